import type { Knex } from 'knex';
import type { Db } from '../../db/connect.js';
import { setFolderLink } from '../../db/exo/write-activity.js';
import type { PostLink } from '../../db/plugin/links/posts.js';
import { writeLog, type LogEntry } from '../../db/plugin/log.js';
import type { ConvergeOutcome } from '../converge/converge.js';
import type { NumerikClient } from '../numerik/client.js';
import { failureOf } from '../error-cause.js';
import { NumerikError, NumerikWaitError } from '../numerik/errors.js';
import type { SyncOptions } from '../options.js';
import { folderLink, syncPostFiles } from './sync-files.js';

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

/**
 * The download of one post's attachments into its activity's folder, and the link to the folder.
 * Runs after the activity's text was written; a failure here is retried with the inbound retry
 * policy and never holds up the text.
 */
export async function attachmentsJob(
  deps: { db: Db; client: NumerikClient },
  postId: string,
  link: PostLink | undefined,
  options: SyncOptions,
  finish: (trx: Knex.Transaction) => Promise<boolean>,
): Promise<ConvergeOutcome> {
  const entry = (kind: LogEntry['kind'], reason: string, detail?: unknown): LogEntry => ({ direction: 'inbound', kind, activitySeqno: link?.activitySeqno, postId, reason, detail });
  const close = async (log: LogEntry[]): Promise<ConvergeOutcome> => {
    const held = await deps.db.knex.transaction(async (trx) => {
      if (!(await finish(trx))) return false;
      await writeLog(deps.db, log, trx);
      return true;
    });
    return held ? { kind: 'done', action: 'skipped', seqno: link?.activitySeqno, conflicts: [] } : { kind: 'lost' };
  };
  if (!options.downloadAttachments) return close([]);
  if (!link || link.state !== 'active') return close([entry('skipped', 'attachments: the post has no linked activity')]);
  try {
    const lookup = await deps.client.getPost(postId);
    if (lookup.kind !== 'post') return close([]);
    const result = await syncPostFiles(deps.client, lookup.post, link.activitySeqno, options);
    if (result.present) await setFolderLink(deps.db, link.activitySeqno, options.attachmentsLinkField, folderLink(options, link.activitySeqno));
    const log = result.refused.map((r) => entry('skipped', `attachment refused: ${r.reason}`, r));
    if (result.failed.length) {
      // The rest is in place and linked; the job comes back for these (what is there is kept).
      await writeLog(deps.db, log);
      const [first] = result.failed;
      return { kind: 'retry', error: `attachments: ${result.failed.length} of ${lookup.post.attachments.length} file(s) not downloaded yet; ${first!.filename}: ${first!.error}` };
    }
    if (result.downloaded.length || result.removed.length || result.renamed.length) {
      log.push(
        entry('synced', `attachments: downloaded ${result.downloaded.length}, kept ${result.kept}, renamed ${result.renamed.length}, moved ${result.removed.length} to removed/`, {
          folder: result.folder,
          downloaded: result.downloaded,
          renamed: result.renamed,
          removed: result.removed,
        }),
      );
    }
    return close(log);
  } catch (error) {
    // Numerik asked for a longer wait than a worker holds work: no failure of the job's, so it is
    // handed back until then, uncounted, as the post workers hand theirs back.
    if (error instanceof NumerikWaitError) return failureOf(error, deps.db.dialect);
    const code = (error as NodeJS.ErrnoException).code;
    const message = DISK_FULL.has(code ?? '') ? `attachments: the disk is full writing ${options.attachmentsRoot}` : `attachments: ${(error as Error).message}`;
    if (error instanceof NumerikError && !error.transient) return { kind: 'dead', error: message };
    return { kind: 'retry', error: message, retryAfterMs: error instanceof NumerikError ? error.retryAfterMs : undefined };
  }
}
