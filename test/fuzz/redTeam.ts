/**
 * The inputs of the second outside test (issue 14) that made 500s, kept as fixed cases: the HTTP
 * tests replay them (test/platform/decodedInput.test.ts) and the fuzzing pass sends them besides
 * its random mutations (test/fuzz/openapi.fuzz.test.ts).
 */
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** The red team's cursors, in the lists' old formats and in the new one. */
export const RED_TEAM_CURSORS = {
  licenses: ['["2026-02-30",1]', '["9999-99-99",1]', '["0000-00-00",1]'].map(b64),
  objections: [
    b64('-271821-04-20T00:00:00.000Z|x'),
    b64('+275760-09-13T00:00:00.000Z|x'),
    b64('["-271821-04-20T00:00:00.000Z","x"]'),
    b64('["+275760-09-13T00:00:00.000Z","x"]'),
    b64('2026-01-01T00:00:00.000Z|a\u0000b'),
    b64('["2026-01-01T00:00:00.000Z","a\\u0000b"]'),
  ],
  findings: [b64('0'), b64('1e400'), b64('["\\ud800"]'), b64('[9007199254740993]')],
};
export const RED_TEAM_MONTHS = ['0000-01', '0001-01', '9999-12', '1899-12', '3000-01'];

