import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where each file of an activity's folder came from: for a user, an auditor, and the next sync. */
export interface IndexedFile {
  id: string;
  /** The name in the folder. */
  name: string;
  /** The name in Numerik. */
  filename: string;
  size: number;
  content_type: string;
  sha256: string;
  downloaded_at: string;
  removed_at?: string;
}

export interface FolderIndex {
  post: string;
  activity: number;
  updated_at: string;
  files: IndexedFile[];
  removed: IndexedFile[];
  /** Attachments not downloaded, and why (logged once each). */
  refused?: { id: string; filename: string; reason: string }[];
}

export const INDEX_FILE = 'attachments.json';

export async function readIndex(folder: string, post: string, activity: number): Promise<FolderIndex> {
  try {
    return JSON.parse(await readFile(path.join(folder, INDEX_FILE), 'utf8')) as FolderIndex;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { post, activity, updated_at: new Date().toISOString(), files: [], removed: [] };
  }
}

/** Written whole or not at all (temporary file, then rename). */
export async function writeIndex(folder: string, index: FolderIndex): Promise<void> {
  const temporary = path.join(folder, `.${INDEX_FILE}.${randomBytes(4).toString('hex')}.partial`);
  await writeFile(temporary, JSON.stringify({ ...index, updated_at: new Date().toISOString() }, null, 2));
  await rename(temporary, path.join(folder, INDEX_FILE));
}
