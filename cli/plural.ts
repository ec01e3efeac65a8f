/** "1 activity", "2 activities": a count and its noun. */
export const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
