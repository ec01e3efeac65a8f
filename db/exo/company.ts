/**
 * TASKS.COMPANYID is one letter and an account number: D = debtor (DR_ACCS), C = creditor (CR_ACCS),
 * P = non-account/prospect. Numerik's Sales Sync writes the same accounts as DR:123, CR:45, NA:7.
 */
export type AccountType = 'D' | 'C' | 'P';

export interface AccountRef {
  type: AccountType;
  accno: number;
}

export function parseCompanyId(companyId: string | null | undefined): AccountRef | undefined {
  const m = /^\s*([DCP])\s*-?\s*(\d{1,9})\s*$/i.exec(companyId ?? '');
  if (!m) return undefined;
  return { type: m[1]!.toUpperCase() as AccountType, accno: Number(m[2]) };
}

export function formatCompanyId(ref: AccountRef): string {
  return `${ref.type}${ref.accno}`;
}

const EXTERNAL = { DR: 'D', CR: 'C', NA: 'P' } as const;

/** Numerik's `external_ref` of a customer (`DR:123`), as an Exo account. */
export function parseExternalRef(externalRef: string | null | undefined): AccountRef | undefined {
  const m = /^\s*(DR|CR|NA)\s*:\s*(\d{1,9})\s*$/i.exec(externalRef ?? '');
  if (!m) return undefined;
  return { type: EXTERNAL[m[1]!.toUpperCase() as keyof typeof EXTERNAL], accno: Number(m[2]) };
}
