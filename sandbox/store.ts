import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { htmlToText, textToHtml } from '../sync/mapping/text.js';
import type {
  NumerikAttachment,
  NumerikComment,
  NumerikCustomer,
  NumerikTag,
  NumerikUser,
  Post,
  PostInput,
  SentPatch,
  Tombstone,
  WebhookEvent,
  WebhookEventType,
} from '../sync/numerik/types.js';

/** An API answer other than 2xx, with Numerik's error body. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra fields of the error body (a 410 says when and by whom the post was deleted). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface StoredPost extends Post {
  deleted_at: string | null;
  deleted_by: string | null;
}

export interface SandboxSnapshot {
  apiUserId: string;
  users: NumerikUser[];
  tags: NumerikTag[];
  customers: NumerikCustomer[];
  posts: StoredPost[];
  content: Record<string, string>;
  lastTime: number;
}

export const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const IDEMPOTENCY_MS = 24 * 60 * 60 * 1000;


/**
 * Numerik's state, in memory: users, tags, customers, posts with versions and tombstones,
 * comments, attachments, idempotency keys. Every change emits the webhook event Numerik would send.
 */
export class SandboxStore {
  readonly users = new Map<string, NumerikUser>();
  readonly tags = new Map<string, NumerikTag>();
  readonly customers = new Map<string, NumerikCustomer>();
  readonly posts = new Map<string, StoredPost>();
  readonly content = new Map<string, Buffer>();
  readonly idempotency = new Map<string, { postId: string; at: number }>();
  /** Where the sandbox's "web app" serves each post's page (known once it listens). */
  webBase: string | undefined;
  readonly events = new EventEmitter();
  readonly apiUser: NumerikUser;
  private lastTime = 0;

  constructor(snapshot?: SandboxSnapshot) {
    if (!snapshot) {
      this.apiUser = this.addUser({ name: 'Exo integration', email: null });
      return;
    }
    for (const u of snapshot.users) this.users.set(u.id, u);
    for (const t of snapshot.tags) this.tags.set(t.id, t);
    for (const c of snapshot.customers) this.customers.set(c.id, c);
    for (const p of snapshot.posts) this.posts.set(p.id, p);
    for (const [key, base64] of Object.entries(snapshot.content)) this.content.set(key, Buffer.from(base64, 'base64'));
    this.apiUser = this.users.get(snapshot.apiUserId)!;
    this.lastTime = snapshot.lastTime;
  }

  /** Everything but idempotency keys and listeners, to carry the demo's Numerik across restarts. */
  snapshot(): SandboxSnapshot {
    return {
      apiUserId: this.apiUser.id,
      users: [...this.users.values()],
      tags: [...this.tags.values()],
      customers: [...this.customers.values()],
      posts: [...this.posts.values()],
      content: Object.fromEntries([...this.content].map(([key, bytes]) => [key, bytes.toString('base64')])),
      lastTime: this.lastTime,
    };
  }

  /** Strictly increasing timestamps, so `updated_since` never has to break ties. */
  now(): string {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return new Date(this.lastTime).toISOString();
  }

  addUser(u: { name: string; email: string | null; active?: boolean; id?: string }): NumerikUser {
    const user = { id: u.id ?? newId('usr'), name: u.name, email: u.email, active: u.active ?? true };
    this.users.set(user.id, user);
    return user;
  }

  addTag(name: string): NumerikTag {
    const existing = [...this.tags.values()].find((t) => t.name.toLowerCase() === name.toLowerCase());
    if (existing) return existing;
    const tag = { id: newId('tag'), name };
    this.tags.set(tag.id, tag);
    return tag;
  }

  upsertCustomer(c: { name: string; external_ref: string | null; id?: string }): NumerikCustomer {
    const customer = { id: c.id ?? newId('cus'), name: c.name, external_ref: c.external_ref, updated_at: this.now() };
    this.customers.set(customer.id, customer);
    return customer;
  }

  // ---- posts ----

  lookup(id: string): StoredPost {
    const post = this.posts.get(id);
    if (!post) throw new SandboxError(404, 'not_found', `post ${id} does not exist`);
    if (post.deleted_at) throw new SandboxError(410, 'gone', `post ${id} was deleted`, { deleted_at: post.deleted_at, deleted_by: post.deleted_by });
    return post;
  }

  getPost(id: string): Post {
    return this.view(this.lookup(id));
  }

  createPost(input: PostInput, actorId: string, idempotencyKey?: string): { post: Post; replayed: boolean } {
    if (idempotencyKey) {
      const seen = this.idempotency.get(idempotencyKey);
      if (seen && Date.now() - seen.at < IDEMPOTENCY_MS) return { post: this.view(this.posts.get(seen.postId)!), replayed: true };
    }
    const type = input.type;
    if (type !== 'note' && type !== 'task') throw new SandboxError(400, 'invalid_type', 'type must be "note" or "task"');
    this.validate(type, input);
    const at = this.now();
    const text = input.body_text ?? htmlToText(input.body_html ?? '');
    const post: StoredPost = {
      id: newId('pst'),
      version: 1,
      type,
      customer_id: input.customer_id,
      author_id: input.author_id ?? actorId,
      assignee_id: type === 'task' ? (input.assignee_id ?? null) : null,
      body_text: text,
      body_html: input.body_html ?? textToHtml(text),
      follow_up_date: type === 'note' ? (input.follow_up_date ?? null) : null,
      due_at: type === 'task' ? (input.due_at ?? null) : null,
      completed: input.completed ?? false,
      completed_at: input.completed ? (input.completed_at ?? at) : null,
      tags: this.tagNames(input.tags ?? []),
      comments: [],
      attachments: [],
      external_ref: input.external_ref ?? null,
      created_at: at,
      updated_at: at,
      updated_by: input.author_id ?? actorId,
      deleted_at: null,
      deleted_by: null,
    };
    this.posts.set(post.id, post);
    if (idempotencyKey) this.idempotency.set(idempotencyKey, { postId: post.id, at: Date.now() });
    this.emit('post.created', post);
    return { post: this.view(post), replayed: false };
  }

  /** A change of the post by `actorId` (the API's own user unless a Numerik user is acting). */
  updatePost(id: string, patch: SentPatch & { type?: unknown }, ifMatch?: number, actorId: string = this.apiUser.id): Post {
    const post = this.lookup(id);
    if (ifMatch !== undefined && ifMatch !== post.version) {
      throw new SandboxError(412, 'precondition_failed', `post ${id} is at version ${post.version}, not ${ifMatch}`);
    }
    const { type, ...fields } = patch;
    if (type !== undefined && type !== post.type) throw new SandboxError(400, 'immutable_type', 'the type of a post cannot change');
    this.validate(post.type, { ...fields, customer_id: fields.customer_id ?? post.customer_id });
    if (patch.body_text !== undefined || patch.body_html !== undefined) {
      post.body_text = patch.body_text ?? htmlToText(patch.body_html ?? '');
      post.body_html = patch.body_html ?? textToHtml(post.body_text);
    }
    if (patch.customer_id !== undefined) post.customer_id = patch.customer_id;
    if (patch.assignee_id !== undefined) post.assignee_id = patch.assignee_id;
    if (patch.follow_up_date !== undefined) post.follow_up_date = patch.follow_up_date;
    if (patch.due_at !== undefined) post.due_at = patch.due_at;
    if (patch.completed !== undefined) {
      post.completed = patch.completed;
      post.completed_at = patch.completed ? (patch.completed_at ?? post.completed_at ?? this.now()) : null;
    } else if (patch.completed_at !== undefined) post.completed_at = patch.completed_at;
    if (patch.tags !== undefined) post.tags = this.tagNames(patch.tags);
    if (patch.external_ref !== undefined) post.external_ref = patch.external_ref;
    this.touch(post, 'post.updated', actorId);
    return this.view(post);
  }

  deletePost(id: string, actorId: string): void {
    const post = this.lookup(id);
    post.deleted_at = this.now();
    post.deleted_by = actorId;
    post.version += 1;
    post.updated_at = post.deleted_at;
    this.emit('post.deleted', post);
  }

  addComment(postId: string, authorId: string, text: string): NumerikComment {
    const post = this.lookup(postId);
    const at = this.now();
    const comment = { id: newId('cmt'), author_id: authorId, body_text: text, body_html: textToHtml(text), created_at: at, updated_at: at };
    post.comments.push(comment);
    this.touch(post, 'comment.created', authorId);
    return comment;
  }

  updateComment(postId: string, commentId: string, text: string, actorId?: string): NumerikComment {
    const post = this.lookup(postId);
    const comment = post.comments.find((c) => c.id === commentId);
    if (!comment) throw new SandboxError(404, 'not_found', `comment ${commentId} does not exist`);
    Object.assign(comment, { body_text: text, body_html: textToHtml(text), updated_at: this.now() });
    this.touch(post, 'comment.updated', actorId ?? comment.author_id);
    return comment;
  }

  deleteComment(postId: string, commentId: string, actorId: string = this.apiUser.id): void {
    const post = this.lookup(postId);
    post.comments = post.comments.filter((c) => c.id !== commentId);
    this.touch(post, 'comment.deleted', actorId);
  }

  /** Adds or replaces (same id) an attachment's bytes. */
  putAttachment(postId: string, file: { filename: string; contentType: string; content: Buffer; id?: string }): NumerikAttachment {
    const post = this.lookup(postId);
    const attachment: NumerikAttachment = {
      id: file.id ?? newId('att'),
      filename: file.filename,
      content_type: file.contentType,
      size: file.content.length,
      sha256: createHash('sha256').update(file.content).digest('hex'),
    };
    post.attachments = [...post.attachments.filter((a) => a.id !== attachment.id), attachment];
    this.content.set(`${postId}/${attachment.id}`, file.content);
    this.touch(post, 'post.updated');
    return attachment;
  }

  removeAttachment(postId: string, attachmentId: string): void {
    const post = this.lookup(postId);
    post.attachments = post.attachments.filter((a) => a.id !== attachmentId);
    this.content.delete(`${postId}/${attachmentId}`);
    this.touch(post, 'post.updated');
  }

  attachmentContent(postId: string, attachmentId: string): { attachment: NumerikAttachment; content: Buffer } {
    const post = this.lookup(postId);
    const attachment = post.attachments.find((a) => a.id === attachmentId);
    const content = this.content.get(`${postId}/${attachmentId}`);
    if (!attachment || !content) throw new SandboxError(404, 'not_found', `attachment ${attachmentId} does not exist`);
    return { attachment, content };
  }

  /** Posts by `updated_at` (inclusive), oldest first; deleted ones as tombstones when asked for. */
  listPosts(filter: { updatedSince?: string; includeDeleted?: boolean; externalRef?: string }): (Post | Tombstone)[] {
    return [...this.posts.values()]
      .filter((p) => !filter.updatedSince || p.updated_at >= filter.updatedSince)
      .filter((p) => filter.includeDeleted || !p.deleted_at)
      .filter((p) => filter.externalRef === undefined || p.external_ref === filter.externalRef)
      .sort((a, b) => (a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : 0))
      .map((p) => (p.deleted_at ? { id: p.id, deleted: true as const, updated_at: p.updated_at } : this.view(p)));
  }

  private validate(type: 'note' | 'task', input: Partial<PostInput>): void {
    if (!input.customer_id || !this.customers.has(input.customer_id)) throw new SandboxError(400, 'invalid_customer', `customer ${input.customer_id ?? '(none)'} does not exist`);
    if (input.author_id && !this.users.has(input.author_id)) throw new SandboxError(400, 'invalid_author', `user ${input.author_id} does not exist`);
    if (input.assignee_id && !this.users.has(input.assignee_id)) throw new SandboxError(400, 'invalid_assignee', `user ${input.assignee_id} does not exist`);
    if (type === 'note' && input.assignee_id) throw new SandboxError(400, 'note_assignee', 'a note cannot be assigned');
    if (type === 'note' && input.due_at) throw new SandboxError(400, 'note_due', 'a note has a follow-up date, not a due date');
    if (type === 'task' && input.follow_up_date) throw new SandboxError(400, 'task_follow_up', 'a task has a due date, not a follow-up date');
    if (input.follow_up_date && !/^\d{4}-\d{2}-\d{2}$/.test(input.follow_up_date)) throw new SandboxError(400, 'invalid_date', 'follow_up_date must be YYYY-MM-DD');
    for (const key of ['due_at', 'completed_at'] as const) {
      const value = input[key];
      if (value && Number.isNaN(Date.parse(value))) throw new SandboxError(400, 'invalid_date', `${key} must be an ISO 8601 time`);
    }
    if (input.tags !== undefined && (!Array.isArray(input.tags) || input.tags.some((t) => typeof t !== 'string'))) {
      throw new SandboxError(400, 'invalid_tags', 'tags must be a list of names');
    }
  }

  private tagNames(names: string[]): string[] {
    return names.map((n) => this.addTag(n).name);
  }

  private touch(post: StoredPost, event: WebhookEventType, actorId: string = this.apiUser.id): void {
    post.version += 1;
    post.updated_at = this.now();
    post.updated_by = actorId;
    this.emit(event, post);
  }

  private emit(type: WebhookEventType, post: StoredPost): void {
    const event: WebhookEvent = { id: newId('evt'), type, created_at: this.now(), data: { post_id: post.id, version: post.version } };
    this.events.emit('event', event);
  }

  private view(post: StoredPost): Post {
    const { deleted_at: _d, deleted_by: _b, ...rest } = post;
    return { ...structuredClone(rest), ...(this.webBase ? { web_url: `${this.webBase}/app/posts/${encodeURIComponent(post.id)}` } : {}) };
  }
}
