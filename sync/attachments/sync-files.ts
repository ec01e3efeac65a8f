import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NumerikClient } from '../numerik/client.js';
import { NumerikWaitError } from '../numerik/errors.js';
import type { Post } from '../numerik/types.js';
import type { SyncOptions } from '../options.js';
import { AttachmentTooLarge, downloadAttachment } from './download.js';
import { readIndex, writeIndex, type IndexedFile } from './folder-index.js';
import { withFolderLock } from './folder-lock.js';
import { inside, safeFileName, uniqueName } from './safe-name.js';

/** The attachments root cannot be used; says what to fix. The sync of text goes on meanwhile. */
export class AttachmentsRootError extends Error {
  override name = 'AttachmentsRootError';
}

export interface FileSync {
  folder: string;
  downloaded: string[];
  kept: number;
  /** Files renamed in the folder as their attachments were in Numerik. */
  renamed: { from: string; to: string }[];
  removed: string[];
  /** Refused for good (too large, a name the file system will not take), logged the first time. */
  refused: { filename: string; reason: string }[];
  /** Not downloaded this time for a reason that may pass (the network, Numerik): the job is tried again. */
  failed: { filename: string; error: string }[];
  /** Files now in the folder. */
  present: number;
}

/** Errors of the file itself, not of the disk or the share: that file is refused, the others go on. */
const FILE_REFUSED = new Set(['ENAMETOOLONG', 'EINVAL', 'EILSEQ', 'EEXIST', 'EISDIR']);
/** The disk or the share: nothing more can be written there now. */
const FOLDER_FAILED = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'ENOENT']);

/** How an Exo user reaches an activity's folder: under the configured link base, or the root itself. */
export function folderLink(options: Pick<SyncOptions, 'attachmentsLinkBase' | 'attachmentsRoot'>, seqno: number): string {
  const base = options.attachmentsLinkBase ?? pathToFileURL(options.attachmentsRoot!).href;
  if (/^file:/i.test(base)) return `${base.replace(/\/+$/, '')}/${seqno}`;
  if (base.includes('\\')) return `${base.replace(/\\+$/, '')}\\${seqno}`;
  return `${base.replace(/\/+$/, '')}/${seqno}`;
}

async function rootOf(options: SyncOptions): Promise<string> {
  if (!options.attachmentsRoot) throw new AttachmentsRootError('downloadAttachments is on but attachmentsRoot is not set');
  try {
    if (!(await stat(options.attachmentsRoot)).isDirectory()) throw new AttachmentsRootError(`attachmentsRoot ${options.attachmentsRoot} is not a folder`);
  } catch (error) {
    if (error instanceof AttachmentsRootError) throw error;
    throw new AttachmentsRootError(`attachmentsRoot ${options.attachmentsRoot} cannot be used (${(error as NodeJS.ErrnoException).code}): create it, or fix the setting`);
  }
  return path.resolve(options.attachmentsRoot);
}

const sameFile = async (folder: string, file: IndexedFile) => {
  try {
    return (await stat(inside(folder, file.name))).size === file.size;
  } catch {
    return false;
  }
};

/**
 * The name in the folder for an attachment: the one its file has, unless it was renamed in Numerik;
 * then its new name made safe, as a new file's is, and distinct from every other file's, those in
 * the index and any a user put in the folder (which a rename would overwrite), its own aside.
 */
async function folderName(folder: string, filename: string, known: IndexedFile | undefined, taken: ReadonlySet<string>): Promise<string> {
  if (!known) return uniqueName(safeFileName(filename), taken);
  if (known.filename === filename) return known.name;
  const others = new Set([...taken, ...(await readdir(folder))].filter((n) => n !== known.name));
  return uniqueName(safeFileName(filename), others);
}

/**
 * Makes `<root>/<activity>/` hold the post's attachments (DESIGN.md "Numerik → Exo" 8): new and
 * changed files are downloaded, identical ones kept (renamed as they were in Numerik), removed ones
 * moved to `removed/`; what came from where is kept in attachments.json. A file over the size limit,
 * or with a name the file system refuses, is refused and logged once; a file that failed for a
 * passing reason is listed in `failed` and the others still come; a full disk, an unusable share or
 * Numerik asking for a long wait (NumerikWaitError) stops the job.
 */
export async function syncPostFiles(client: NumerikClient, post: Post, seqno: number, options: SyncOptions): Promise<FileSync> {
  const root = await rootOf(options);
  const folder = inside(root, String(seqno));
  const result: FileSync = { folder, downloaded: [], kept: 0, renamed: [], removed: [], refused: [], failed: [], present: 0 };
  if (!post.attachments.length) {
    try {
      await stat(folder);
    } catch {
      return result;
    }
  }
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new AttachmentsRootError(`cannot create ${folder} (${(error as NodeJS.ErrnoException).code})`);
  }
  return withFolderLock(folder, () => syncHeldFolder(client, post, seqno, folder, options, result));
}

/** The work of syncPostFiles, while it holds the activity's folder. */
async function syncHeldFolder(client: NumerikClient, post: Post, seqno: number, folder: string, options: SyncOptions, result: FileSync): Promise<FileSync> {
  await removeLeftovers(folder);
  const index = await readIndex(folder, post.id, seqno);
  const refusedBefore = new Set((index.refused ?? []).map((r) => r.id));
  const refused = new Map<string, { id: string; filename: string; reason: string }>();
  const byId = new Map(index.files.map((f) => [f.id, f]));
  const taken = new Set(index.files.map((f) => f.name));
  /** A file that left its old name frees it for the others. */
  const movedFrom = (known: IndexedFile | undefined, name: string) => {
    if (!known || known.name === name) return;
    taken.delete(known.name);
    result.renamed.push({ from: known.name, to: name });
  };
  try {
    for (const attachment of [...post.attachments].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const known = byId.get(attachment.id);
      const unchanged = known && known.size === attachment.size && (!attachment.sha256 || attachment.sha256 === known.sha256);
      const name = await folderName(folder, attachment.filename, known, taken);
      taken.add(name);
      try {
        if (unchanged && (await sameFile(folder, known))) {
          if (name !== known.name) await rename(inside(folder, known.name), inside(folder, name));
          movedFrom(known, name);
          byId.set(attachment.id, { ...known, name, filename: attachment.filename });
          result.kept += 1;
          continue;
        }
        const { sha256, size } = await downloadAttachment(client, post.id, attachment, folder, name, options.maxAttachmentBytes);
        // A changed file that was also renamed comes under its new name: the old one goes once it is there.
        if (known && name !== known.name) await rm(inside(folder, known.name), { force: true });
        movedFrom(known, name);
        const entry: IndexedFile = { id: attachment.id, name, filename: attachment.filename, size, content_type: attachment.content_type, sha256, downloaded_at: new Date().toISOString() };
        byId.set(attachment.id, entry);
        result.downloaded.push(name);
      } catch (error) {
        // One bad file never stops the others: refused for good, or tried again with the job.
        const code = (error as NodeJS.ErrnoException).code ?? '';
        // Numerik's long wait is every file's, not this one's: the job is handed back whole until it ends.
        if (FOLDER_FAILED.has(code) || error instanceof NumerikWaitError) throw error;
        if (error instanceof AttachmentTooLarge || FILE_REFUSED.has(code)) {
          const reason = error instanceof AttachmentTooLarge ? error.message : `${attachment.filename}: the file system refused the name ${JSON.stringify(name)} (${code})`;
          refused.set(attachment.id, { id: attachment.id, filename: attachment.filename, reason });
          if (!refusedBefore.has(attachment.id)) result.refused.push({ filename: attachment.filename, reason });
        } else result.failed.push({ filename: attachment.filename, error: (error as Error).message });
      }
    }
    const current = new Set(post.attachments.map((a) => a.id));
    for (const file of [...byId.values()].filter((f) => !current.has(f.id))) {
      await mkdir(path.join(folder, 'removed'), { recursive: true });
      const removedFolder = path.join(folder, 'removed');
      const name = uniqueName(file.name, new Set(index.removed.map((r) => r.name)));
      try {
        await rename(inside(folder, file.name), inside(removedFolder, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      index.removed.push({ ...file, name, removed_at: new Date().toISOString() });
      byId.delete(file.id);
      result.removed.push(file.name);
    }
  } finally {
    index.files = [...byId.values()];
    index.refused = [...refused.values()];
    await writeIndex(folder, index);
  }
  result.present = index.files.length;
  return result;
}

/**
 * What a job killed mid-download left behind: its hidden `.…partial` files. Only a job holding the
 * folder writes them, and this one holds it now, so every one of them is a leftover.
 */
async function removeLeftovers(folder: string): Promise<void> {
  for (const name of await readdir(folder)) if (name.startsWith('.') && name.endsWith('.partial')) await rm(path.join(folder, name), { force: true });
}
