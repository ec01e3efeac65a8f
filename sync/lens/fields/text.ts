import { textGet } from '../activity-text.js';
import { splitDetails } from '../details.js';
import { lineText } from '../line-endings.js';
import { asCreatedText, openingText } from '../subject.js';
import { textOfView } from '../view-text.js';
import { htmlToText } from '../../mapping/text.js';
import type { FieldLens } from './field-lens.js';

/**
 * The post's text and comments ⇄ SUBJECT and DETAILS (sync/lens/activity-text.ts). Its get always
 * runs: DETAILS is the view of the post as it is, whatever was below the comments marker is
 * replaced, and the subject follows the first line. Its put is the view itself (the text above the
 * comments marker; a new activity's, or one linked as created, opens with its subject, rule 2), which textPut turns into a
 * change of the post's text against the link's bases. In `html` format, the text of the HTML.
 */
export const textLens: FieldLens = {
  fields: ['body_text'],
  always: true,
  get(post, ctx, out) {
    const view = textGet(post, ctx);
    if (view.details !== (out.current?.details ?? '')) {
      out.columns.DETAILS = view.details;
      out.notes.push(...view.notes);
      if (view.cut) out.cuts.push({ column: 'DETAILS', full: post.body_text });
    }
    if (view.subject !== (out.current?.subject ?? '')) out.columns.SUBJECT = view.subject;
  },
  put(activity, ctx) {
    const { body } = splitDetails(activity.details);
    // Details Exo shows empty are empty, whatever CRs its save left (a CRLF before the comments marker).
    const emptied = lineText(body) === '';
    const view = !ctx.link
      ? openingText(activity.subject, body)
      : ctx.link.asCreated
        ? asCreatedText(activity.subject, body, ctx.link.exoBase?.body_text)
        : emptied
          ? activity.subject?.trim() || body
          : body;
    return { body_text: ctx.notesFormat === 'html' ? htmlToText(textOfView(view, ctx.codePage)) : view };
  },
};
