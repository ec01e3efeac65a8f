import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { NumerikClient } from '../numerik/client.js';
import type { NumerikAttachment } from '../numerik/types.js';
import { inside } from './safe-name.js';

/** An attachment over `maxAttachmentBytes`: refused, the rest of the post goes on. */
export class AttachmentTooLarge extends Error {
  override name = 'AttachmentTooLarge';
}

/** What was received is not what Numerik described (size or content hash): try again later. */
export class AttachmentCorrupt extends Error {
  override name = 'AttachmentCorrupt';
}

/**
 * Streams an attachment into `folder/name`: first into a hidden temporary file in the same folder,
 * checked (size, SHA-256 where Numerik gives one) and flushed to disk, then renamed into place. A
 * half-downloaded file is never visible under its real name; memory does not grow with file size.
 */
export async function downloadAttachment(
  client: NumerikClient,
  postId: string,
  attachment: NumerikAttachment,
  folder: string,
  name: string,
  maxBytes: number,
): Promise<{ sha256: string; size: number }> {
  if (attachment.size > maxBytes) throw new AttachmentTooLarge(`${attachment.filename} is ${attachment.size} bytes, over the limit of ${maxBytes}`);
  const target = inside(folder, name);
  const temporary = path.join(folder, `.${randomBytes(6).toString('hex')}.partial`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new AttachmentTooLarge(`${attachment.filename} is over the limit of ${maxBytes} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    const { stream } = await client.downloadAttachment(postId, attachment.id);
    await pipeline(stream, meter, createWriteStream(temporary, { flags: 'wx' }));
    const sha256 = hash.digest('hex');
    if (size !== attachment.size) throw new AttachmentCorrupt(`${attachment.filename}: received ${size} of ${attachment.size} bytes`);
    if (attachment.sha256 && attachment.sha256 !== sha256) throw new AttachmentCorrupt(`${attachment.filename}: content hash does not match`);
    const handle = await open(temporary, 'r+');
    await handle.sync();
    await handle.close();
    await rename(temporary, target);
    return { sha256, size };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
