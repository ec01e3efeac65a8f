import { DateTime } from 'luxon';
import { escapeHtml as escape } from './html.js';
import { PAGE_SCRIPT_PATH, PAGE_STYLE_PATH } from './page-assets.js';

/** A time as the Exo site reads it (its zone), with the UTC instant on hover. */
export const timeIn = (zone: string) => (iso: string | null) => {
  if (!iso) return 'never';
  const local = DateTime.fromISO(iso, { zone });
  const shown = local.isValid ? local.toFormat('d LLL yyyy HH:mm:ss ZZZZ') : iso;
  return `<time datetime="${escape(iso)}" title="${escape(iso.replace('T', ' ').slice(0, 19))} UTC">${escape(shown)}</time>`;
};
export type When = ReturnType<typeof timeIn>;

export const HIDDEN = '<span class="hidden">shown with the admin token</span>';

export const itemName = (i: { activitySeqno: number | null; postId: string | null }) =>
  [i.activitySeqno !== null ? `activity ${i.activitySeqno}` : '', i.postId ? `post ${i.postId}` : ''].filter(Boolean).join(' · ');

/** A link to the record's page, named as the status shows it. */
export const recordLink = (i: { activitySeqno: number | null; postId: string | null }) => {
  const href = i.activitySeqno !== null ? `/status/records/activity/${i.activitySeqno}` : i.postId ? `/status/records/post/${encodeURIComponent(i.postId)}` : undefined;
  return href ? `<a class="record" href="${escape(href)}">${escape(itemName(i))}</a>` : '';
};

export const value = (v: unknown) => `<pre>${escape(v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v, null, 1))}</pre>`;

/** What every page says at its top besides its title. */
export interface PageFrame {
  /** The Exo database this service syncs, as a consultant knows it ("EXO_LIVE on EXOSQL01"). */
  site?: string;
  /** A line under the title, as HTML its caller escaped: the record's subject and account. */
  subtitle?: string;
  /** Where the admin token form comes back to (this page's own path). */
  path?: string;
}

const tokenForm = (path: string) =>
  `<form method="post" action="/status/session" class="token"><input type="hidden" name="back" value="${escape(path)}"><input type="password" name="token" autocomplete="current-password" aria-label="admin token" placeholder="admin token (api.adminToken)" required><button class="show-all">Show everything</button></form>`;

/** A page of the local API: plain HTML, its script and style files of this service (no inline script), readable on a phone; no build step. */
export function pageShell(title: string, hidden: boolean, body: string, frame: PageFrame = {}): string {
  const home = title === 'exo-numerik status';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="stylesheet" href="${PAGE_STYLE_PATH}">
<script src="${PAGE_SCRIPT_PATH}" defer></script>
</head>
<body>
${frame.site ? `<p class="site">Exo database: <strong class="database">${escape(frame.site)}</strong></p>` : ''}
${home ? '' : '<p class="back"><a href="/status">← Status page</a></p>'}
<h1><a href="/status">exo-numerik</a>${home ? '' : ` · ${escape(title)}`}</h1>
${frame.subtitle ? `<p class="subtitle">${frame.subtitle}</p>` : ''}
${
    hidden
      ? `<div class="notice" id="text-hidden">Counts and states only: activity text, names and reasons are shown with the admin token. ${tokenForm(frame.path ?? '/status')}</div>`
      : '<p class="notice"><button class="hide-all">Hide the text</button> (ends this page\'s session)</p>'
  }
<p id="message" role="status"></p>
${body}
</body></html>`;
}
