import { LIMITS_OF_RECORD_FIELDS } from '../../db/exo/record-fields.js';

/**
 * The address an Exo user clicks to open the post: Numerik's web_url when it is a plain http(s)
 * address that fits the field, else the configured template with the post's id. Anything else
 * (javascript:, file:, a UNC path, control characters) is never put where a user clicks it.
 */
export function postAddress(webUrl: string | null | undefined, template: string | null, postId: string): string | null {
  if (webUrl && isPlainWebAddress(webUrl)) return webUrl;
  if (!template) return null;
  const address = template.replaceAll('{id}', encodeURIComponent(postId));
  return isPlainWebAddress(address) ? address : null;
}

function isPlainWebAddress(text: string): boolean {
  if (text.length > LIMITS_OF_RECORD_FIELDS.post || !/^[\x21-\x7e]+$/.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
  } catch {
    return false;
  }
}
