import { formatCompanyId } from '../../../db/exo/company.js';
import type { FieldLens } from './field-lens.js';

export const CUSTOMER_NOT_LINKED = 'customer not linked';

/** The post's customer ⇄ the activity's account (COMPANYID), through X_NUMERIK_CUSTOMER_LINK. */
export const customerLens: FieldLens = {
  fields: ['customer_id'],
  get(post, ctx, out) {
    const account = ctx.accountOf(post.customer_id);
    if (!account) out.park = CUSTOMER_NOT_LINKED;
    else out.columns.COMPANYID = formatCompanyId(account);
  },
  put: (_activity, _ctx, on) => ({ customer_id: on.customerId }),
};
