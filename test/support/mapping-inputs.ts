import type { Activity } from '../../db/exo/activities.js';
import type { OutboundContext } from '../../sync/mapping/outbound.js';

/** A site-time wall clock, as Exo's DATETIME columns hold it. */
export const wall = (iso: string) => new Date(`${iso}Z`);

/** An Exo activity for the pure mapping tests: a task of staff 1 on account D101, due 3 Dec. */
export const testActivity = (over: Partial<Activity> = {}): Activity => ({
  seqno: 4711,
  subject: 'Call Jo',
  details: 'Wants a quote for 40 chairs',
  companyId: 'D101',
  assignedTo: 1,
  createdBy: 1,
  modifiedBy: 1,
  completed: false,
  completedAt: null,
  start: null,
  end: wall('2026-12-03T10:00:00.000'),
  type: 5,
  status: null,
  deleted: false,
  eventType: 0,
  activityType: 1,
  createdAt: wall('2026-11-27T09:00:00.000'),
  modifiedAt: wall('2026-11-27T09:00:00.000'),
  ...over,
});

/** What the outbound mapping looks up, for the pure mapping tests: staff 1 and 2 are Ann and Raj, types 5 and 6 are tags. */
export const testOutboundContext = (over: Partial<OutboundContext> = {}): OutboundContext => ({
  timeZone: 'Pacific/Auckland',
  notesFormat: 'text',
  codePage: 'cp1252',
  typeTags: new Set(['phone call', 'meeting']),
  link: undefined,
  customerId: 'cus_acme',
  userOf: (staffno) => ({ 1: 'usr_ann', 2: 'usr_raj' })[staffno ?? 0],
  tagOf: (type) => ({ 5: 'Phone call', 6: 'Meeting' })[type ?? 0],
  excluded: { staff: new Set(), types: new Set(), statuses: new Set() },
  ...over,
});
