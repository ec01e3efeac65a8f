import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { NumerikClient } from '../../sync/numerik/client.js';
import { NumerikWaitError } from '../../sync/numerik/errors.js';

/** Issue 24: every wait the client takes for Numerik is bounded, counted and said. */
describe('Numerik client: bounded waits', () => {
  let sandbox: Sandbox;
  let said: string[];
  let client: NumerikClient;
  const tagCalls = () => sandbox.calls.get('GET /tags') ?? 0;

  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());
  afterEach(async () => {
    sandbox.faults.clear();
    await client.close();
  });
  const make = (over: Partial<ConstructorParameters<typeof NumerikClient>[0]> = {}) => {
    said = [];
    client = new NumerikClient({ baseUrl: sandbox.url, token: sandbox.token, backoff: { baseMs: 20, capMs: 100 }, onWait: (text) => said.push(text), ...over });
    return client;
  };

  it('Retry-After 0 means the normal backoff, and every 429 uses up a try: 5 calls, then the 429', async () => {
    make();
    sandbox.faults.set({ rateLimitForMs: 10_000, retryAfterSeconds: 0 });
    const before = tagCalls();
    const started = Date.now();
    await expect(client.listTags()).rejects.toMatchObject({ status: 429, message: expect.stringMatching(/^Numerik answered 429: injected fault/) });
    expect(tagCalls() - before).toBe(5);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(client.pausedUntil()).toBeUndefined();
    expect(said).toEqual([]);
  });

  it('Retry-After 5 is waited for once by all calls alike, said once, and then they succeed', async () => {
    make();
    sandbox.faults.set({ rateLimitForMs: 4_000, retryAfterSeconds: 5 });
    const before = tagCalls();
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 8 }, () => client.listTags()));
    expect(answers).toHaveLength(8);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    // Each call met the 429 at most once; none called again before the pause ended.
    expect(tagCalls() - before).toBeLessThanOrEqual(16);
    expect(said).toEqual(['Numerik asks to wait 5 s (429)']);
  }, 20_000);

  it('Retry-After 900 is not slept: the call fails at once, saying how long and until when, and the next one calls nothing', async () => {
    make();
    sandbox.faults.set({ rateLimitForMs: 60_000, retryAfterSeconds: 900 });
    const before = tagCalls();
    const started = Date.now();
    const error = await client.listTags().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NumerikWaitError);
    expect((error as Error).message).toMatch(/^Numerik asks to wait (900|899) s \(429\), longer than the 60 s exo-numerik waits at a time: try again after \d\d:\d\d:\d\d UTC \(GET \/tags\)$/);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(said).toEqual(['Numerik asks to wait 900 s (429)']);
    expect(client.pausedUntil()!.getTime()).toBeGreaterThan(Date.now() + 890_000);
    await expect(client.listUsers()).rejects.toBeInstanceOf(NumerikWaitError);
    expect(tagCalls() - before).toBe(1);
    expect(sandbox.calls.get('GET /users') ?? 0).toBe(0);
  });

  it('a client waiting at most 1 s (a worker) fails at once on Retry-After 5, sharing the pause with its parent', async () => {
    make();
    const worker = client.waitingAtMost(1_000);
    sandbox.faults.set({ rateLimitForMs: 4_000, retryAfterSeconds: 5 });
    const started = Date.now();
    await expect(worker.listTags()).rejects.toBeInstanceOf(NumerikWaitError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(client.pausedUntil()).toBeDefined();
  });

  it('a long Retry-After on the last try is said as the wait it is, not as a plain 429', async () => {
    make({ retries: 0 });
    sandbox.faults.set({ rateLimitForMs: 60_000, retryAfterSeconds: 900 });
    await expect(client.listTags()).rejects.toBeInstanceOf(NumerikWaitError);
  });

  it('a call takes no wait that would end past its time budget', async () => {
    make({ maxRetryTimeMs: 2_000 });
    sandbox.faults.set({ rateLimitForMs: 4_000, retryAfterSeconds: 5 });
    const started = Date.now();
    await expect(client.listTags()).rejects.toMatchObject({ status: 429 });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('an absurd Retry-After is taken as an hour at most', async () => {
    make();
    sandbox.faults.set({ rateLimitForMs: 60_000, retryAfterSeconds: 86_400 });
    await expect(client.listTags()).rejects.toBeInstanceOf(NumerikWaitError);
    expect(client.pausedUntil()!.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });
});
