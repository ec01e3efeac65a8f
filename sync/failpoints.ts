/**
 * Named points in the sync path where a test holds an actor while another acts (TiKV's fail-rs,
 * FoundationDB's BUGGIFY). Unarmed, a failpoint costs one Map lookup. Tests arm them in-process
 * with `armFailpoint`; a child process (a worker a test kills with -9) is armed through the
 * environment: EXO_FAILPOINTS="converge.before-commit=sleep(500);outbound.after-numerik=exit".
 */
export const FAILPOINTS = [
  /** A batch read the links, not yet the activities (the two reads of a pair). */
  'read.between-link-and-activity',
  /** A converge read its set (link, activity, post) and decided nothing yet. */
  'converge.after-read',
  /** What is written ahead of a converge's PATCH (its card, its send) is written; the PATCH is not yet made. */
  'converge.before-numerik',
  /** Numerik answered a send's PATCH; the answer is not yet read (a worker killed while its PATCH was in flight never reads it). */
  'send.patch-answered',
  /** Numerik took the PATCH (or there was none); Exo's side is not yet committed. */
  'converge.after-numerik',
  /** Inside the commit transaction, before the re-check under lock. */
  'converge.before-commit',
  /** The outbound side read the activity and will send it. */
  'outbound.after-read',
  /** Numerik took the outbound update or create; the write-back is not yet committed. */
  'outbound.after-numerik',
] as const;

export type FailpointName = (typeof FAILPOINTS)[number];

/** What the actor at the point is doing, for a test that acts only on one record. */
export interface FailpointContext {
  seqno?: number;
  postId?: string;
  direction?: 'inbound' | 'outbound';
}

export type FailpointAction = (ctx: FailpointContext) => void | Promise<void>;

const armed = new Map<FailpointName, FailpointAction>();
/** Actors held at a point (holdAt), let go when everything is disarmed: a failed test leaves none stuck. */
const holds = new Set<() => void>();

/** Runs the armed action of `name`, if any. */
export async function failpoint(name: FailpointName, ctx: FailpointContext = {}): Promise<void> {
  if (armed.size === 0) return;
  const action = armed.get(name);
  if (action) await action(ctx);
}

/** Arms `name`; returns the disarm. An action armed with `once` fires for the first matching actor only. */
export function armFailpoint(name: FailpointName, action: FailpointAction, options: { once?: boolean; when?: (ctx: FailpointContext) => boolean } = {}): () => void {
  let fired = false;
  const wrapped: FailpointAction = async (ctx) => {
    if (options.when && !options.when(ctx)) return;
    if (options.once && fired) return;
    fired = true;
    await action(ctx);
  };
  armed.set(name, wrapped);
  return () => {
    if (armed.get(name) === wrapped) armed.delete(name);
  };
}

export function disarmAll(): void {
  armed.clear();
  for (const release of holds) release();
  holds.clear();
}

/**
 * A hold: the actor that reaches the point waits until the test releases it. `reached` resolves
 * with the actor's context once one is there.
 */
export function holdAt(name: FailpointName, when?: (ctx: FailpointContext) => boolean): { reached: Promise<FailpointContext>; release(): void; disarm(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  holds.add(release);
  let reach!: (ctx: FailpointContext) => void;
  const reached = new Promise<FailpointContext>((resolve) => (reach = resolve));
  const disarm = armFailpoint(
    name,
    async (ctx) => {
      reach(ctx);
      await released;
    },
    { once: true, when },
  );
  return { reached, release, disarm };
}

/** `sleep(ms)`, `exit` (as kill -9 would: no cleanup), or `off`. */
function actionOf(spec: string): FailpointAction | undefined {
  const sleep = /^sleep\((\d{1,6})\)$/.exec(spec);
  if (sleep) return () => new Promise((resolve) => setTimeout(resolve, Number(sleep[1])));
  if (spec === 'exit')
    return () => {
      process.kill(process.pid, 'SIGKILL');
    };
  if (spec === 'off') return undefined;
  throw new Error(`EXO_FAILPOINTS: unknown action "${spec}" (sleep(ms), exit or off)`);
}

/** Arms the points EXO_FAILPOINTS names (a test's child process). An unknown name stops the start. */
export function armFromEnvironment(spec = process.env.EXO_FAILPOINTS): void {
  if (!spec) return;
  for (const part of spec.split(';').filter(Boolean)) {
    const [name, action] = part.split('=', 2) as [string, string | undefined];
    if (!(FAILPOINTS as readonly string[]).includes(name)) throw new Error(`EXO_FAILPOINTS: unknown failpoint "${name}" (${FAILPOINTS.join(', ')})`);
    const act = actionOf(action ?? 'off');
    if (act) armFailpoint(name as FailpointName, act);
  }
}
