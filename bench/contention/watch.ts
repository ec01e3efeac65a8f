import { setTimeout as sleep } from 'node:timers/promises';
import { TASKS } from '../../db/exo/tasks.js';
import type { SyncFixture } from '../../test/support/sync.js';
import type { Edit } from '../../test/support/torture/history.js';
import { tokensIn } from '../../test/support/torture/tokens.js';

export interface Linked {
  seqno: number;
  postId: string;
}

/**
 * Polls both sides every `everyMs` and notes, for each edit handed to it, when its token is first
 * in both the activity's DETAILS and the post's text: the edit's convergence time, from the
 * moment its write returned (an Exo UPDATE) or was made (a Numerik edit).
 */
export class ConvergenceWatch {
  readonly times: number[] = [];
  polls = 0;
  private readonly pending = new Map<string, { edit: Edit; record: Linked }>();
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly f: SyncFixture,
    private readonly records: Linked[],
    private readonly everyMs: number,
  ) {}

  watch(edit: Edit, record: Linked): void {
    if (!edit.failed) this.pending.set(edit.token, { edit, record });
  }

  get waiting(): number {
    return this.pending.size;
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const next = Date.now() + this.everyMs;
        await this.poll();
        await sleep(Math.max(0, next - Date.now()));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.poll();
  }

  async poll(): Promise<void> {
    const rows = (await this.f.db.table(TASKS).whereIn('SEQNO', this.records.map((r) => r.seqno)).select('SEQNO', 'DETAILS')) as { SEQNO: number; DETAILS: string | null }[];
    const seenAt = Date.now();
    this.polls += 1;
    const exo = new Map(rows.map((r) => [Number(r.SEQNO), tokensIn(r.DETAILS ?? '')]));
    const numerik = new Map(this.records.map((r) => [r.postId, tokensIn(this.f.sandbox.store.posts.get(r.postId)?.body_text ?? '')]));
    for (const [token, { edit, record }] of this.pending) {
      if (exo.get(record.seqno)?.has(token) && numerik.get(record.postId)?.has(token)) {
        this.times.push(Math.max(0, seenAt - edit.doneAt));
        this.pending.delete(token);
      }
    }
  }
}
