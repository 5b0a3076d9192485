/**
 * What the practice mode's copies are made of (src/practice): business licenses of synthetic
 * enterprises, named as practice data, and a consumer asking for three of their fields.
 */
import type { PracticeKit } from '../practice/index.ts';
import { syntheticEnterprise } from './synthetic.ts';

export const PRACTICE_KIT: PracticeKit = {
  licenseType: 'business-license',
  enterprise: (random, serial, issuerName) => {
    const made = syntheticEnterprise(random, serial);
    const name = `${made.data.name}（练习）`;
    return { creditCode: made.creditCode, name, data: { ...made.data, name, registrationAuthority: issuerName } };
  },
  requestedFields: ['name', 'entityType', 'legalRepresentative'],
};
