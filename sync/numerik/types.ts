/** Numerik's resources as the API sends them (reference/numerik-api.md). Field names are the wire's. */
export type PostType = 'note' | 'task';

export interface NumerikUser {
  id: string;
  name: string;
  email: string | null;
  active: boolean;
}

export interface NumerikTag {
  id: string;
  name: string;
}

export interface NumerikCustomer {
  id: string;
  name: string;
  external_ref: string | null;
  updated_at: string;
}

export interface NumerikComment {
  id: string;
  author_id: string;
  body_text: string;
  body_html: string;
  created_at: string;
  updated_at: string;
}

export interface NumerikAttachment {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  /** Hex SHA-256 of the content, where Numerik provides it. */
  sha256?: string;
}

export interface Post {
  id: string;
  version: number;
  type: PostType;
  customer_id: string;
  author_id: string;
  assignee_id: string | null;
  body_html: string;
  body_text: string;
  follow_up_date: string | null;
  due_at: string | null;
  completed: boolean;
  completed_at: string | null;
  tags: string[];
  comments: NumerikComment[];
  attachments: NumerikAttachment[];
  external_ref: string | null;
  /** The post's page in Numerik's web app, where Numerik gives it. */
  web_url?: string | null;
  created_at: string;
  updated_at: string;
  /** The user who made the latest change (the author until someone else edits), where Numerik gives it. */
  updated_by?: string | null;
}

export interface Tombstone {
  id: string;
  deleted: true;
  updated_at: string;
}

/** What a create sends; `type` is fixed for the post's life. */
export interface PostInput {
  type: PostType;
  customer_id: string;
  author_id?: string;
  assignee_id?: string | null;
  body_text: string;
  body_html?: string;
  follow_up_date?: string | null;
  due_at?: string | null;
  completed?: boolean;
  completed_at?: string | null;
  tags?: string[];
  external_ref?: string;
}

export type PostPatch = Partial<Omit<PostInput, 'type' | 'external_ref'>>;

/** A PATCH as sent: the synced fields, and the send's mark when it sets one (sync/mapping/external-ref.ts). */
export type SentPatch = PostPatch & { external_ref?: string };

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  /** Only in the answer to the registration. */
  secret?: string;
}

export type WebhookEventType =
  | 'post.created'
  | 'post.updated'
  | 'post.deleted'
  | 'comment.created'
  | 'comment.updated'
  | 'comment.deleted';

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  created_at: string;
  data: { post_id: string; version: number };
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
