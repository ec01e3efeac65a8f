import { Format, type Options, type Params } from 'cli-progress';

/** cli-progress's own limit (115 days): beyond it an estimate is no estimate. */
const MAX_ETA_SECONDS = 1e7;

/**
 * The time an estimate leaves, in words. cli-progress's estimate is a string ('INF', 'NULL') until
 * it has a rate, which its own formatter cuts to "NFs".
 */
export function timeLeft(eta: number | string): string {
  if (typeof eta !== 'number' || !(eta >= 0 && eta <= MAX_ETA_SECONDS)) return 'time left not known yet';
  const seconds = Math.round(eta);
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  // Past an hour the seconds are noise.
  if (h) return `${h} h ${min} min left`;
  return `${min ? `${min} min ` : ''}${s} s left`;
}

/** The backfill's bar: how far, how many, and the time left in words. */
export function backfillBarLine(options: Options, params: Pick<Params, 'progress' | 'value' | 'total'> & { eta: number | string }): string {
  return `backfill [${Format.BarFormat(params.progress, options)}] ${Math.floor(params.progress * 100)}% · ${params.value}/${params.total} activities · ${timeLeft(params.eta)}`;
}
