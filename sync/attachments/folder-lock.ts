import path from 'node:path';
import { lock } from 'proper-lockfile';

/** Inside the activity folder, hidden like the .partial downloads; gone when the lock is released. */
export const LOCK_NAME = '.exo-numerik.lock';
const STALE_MS = 30_000;

/**
 * Runs `work` holding the activity folder, so two workers (two processes, or two machines sharing
 * the attachments root) never interleave their downloads and index writes there. The lock is a
 * directory made with mkdir, which is atomic on local disks and SMB shares alike; a worker killed
 * while holding it leaves it stale after 30 s, and the next one takes it over.
 */
export async function withFolderLock<T>(folder: string, work: () => Promise<T>): Promise<T> {
  let lost: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lock(folder, {
      lockfilePath: path.join(folder, LOCK_NAME),
      realpath: false,
      stale: STALE_MS,
      retries: { retries: 20, minTimeout: 100, maxTimeout: 2_000 },
      onCompromised: (error) => void (lost = error),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new Error(`another worker is writing ${folder}; trying again later`, { cause: error });
  }
  try {
    const result = await work();
    if (lost) throw new Error(`the lock on ${folder} was taken over while writing (${lost.message}); trying again`);
    return result;
  } finally {
    if (!lost) await release().catch(() => undefined);
  }
}
