/**
 * The reserved range of practice mode (练习模式, src/practice): the departments of a person's
 * practice copy and its synthetic enterprises carry unified social credit codes whose organisation
 * code (characters 9–11) begins with `PRA`. Real departments and real holders never get one (the
 * practice capability refuses it in every license change), so any capability can tell practice
 * data from real data by its code alone — and keep practice data out of real lists, deliveries and
 * the exchange.
 */
export const PRACTICE_MARKER = 'PRA';

/** Whether a department or holder code is in the practice range. */
export const isPracticeCode = (code: string | null | undefined): boolean => typeof code === 'string' && code.length === 18 && code.slice(8, 11) === PRACTICE_MARKER;

/** SQL: the column (a department or holder code) is not in the practice range. */
export const notPracticeSql = (column: string): string => `substr(${column}, 9, 3) <> '${PRACTICE_MARKER}'`;
