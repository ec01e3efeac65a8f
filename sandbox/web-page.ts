import { escapeHtml as e } from '../api/html.js';
import type { Post } from '../sync/numerik/types.js';
import type { SandboxStore } from './store.js';

/** The sandbox's stand-in for a post's page in Numerik's web app: where an Exo user's link leads. */
export function postPage(store: SandboxStore, post: Post): string {
  const name = (id: string | null) => (id ? (store.users.get(id)?.name ?? id) : '');
  const customer = store.customers.get(post.customer_id)?.name ?? post.customer_id;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(post.type)} · ${e(customer)} · Numerik sandbox</title></head>
<body><header><small>Numerik (sandbox)</small></header>
<article data-post="${e(post.id)}"><h1>${e(post.body_text.split('\n')[0])}</h1>
<p><span class="type">${e(post.type)}</span> for <span class="customer">${e(customer)}</span> by ${e(name(post.author_id))}${post.assignee_id ? `, assigned to ${e(name(post.assignee_id))}` : ''}${post.completed ? ' · completed' : ''}</p>
<div class="body">${post.body_text.split('\n').map((line) => `<p>${e(line)}</p>`).join('')}</div>
<p class="tags">${post.tags.map((t) => `<span>${e(t)}</span>`).join(' ')}</p>
<section><h2>Comments</h2>${post.comments.map((c) => `<p class="comment"><strong>${e(name(c.author_id))}</strong>: ${e(c.body_text)}</p>`).join('') || '<p>None.</p>'}</section>
<section><h2>Files</h2>${post.attachments.map((a) => `<p>${e(a.filename)}</p>`).join('') || '<p>None.</p>'}</section>
</article></body></html>`;
}
