/**
 * The reserved range of practice mode (练习模式, src/practice): the departments of a person's
 * practice copy and its synthetic enterprises carry unified social credit codes whose division code
 * (characters 3–8) is a province's followed by `9999` — a prefecture and county 99 that GB/T 2260
 * does not have, so no real registration authority issues such a code, while the credit code's
 * checks (a plausible province prefix, the check characters) still pass. Real departments and real
 * holders never get one (the practice capability refuses it in every license change), so any
 * capability can tell practice data from real data by its code alone — and keep practice data out
 * of real lists, deliveries and the exchange. (The organisation code of a practice code also
 * begins with `PRA`, for a human reader; the range is the division alone.)
 */
export const PRACTICE_MARKER = 'PRA';

/** Characters 5–8 of every practice code: prefecture and county 99 of its province. */
export const PRACTICE_DIVISION_SUFFIX = '9999';

/** Whether a department or holder code is in the practice range. */
export const isPracticeCode = (code: string | null | undefined): boolean =>
  typeof code === 'string' && code.length === 18 && code.slice(4, 8) === PRACTICE_DIVISION_SUFFIX;

/** SQL: the column (a department or holder code) is not in the practice range. */
export const notPracticeSql = (column: string): string => `substr(${column}, 5, 4) <> '${PRACTICE_DIVISION_SUFFIX}'`;
