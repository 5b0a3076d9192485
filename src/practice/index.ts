// The practice capability (its facade): practice mode (练习模式). A member of staff switches into a
// practice copy of their department — shadow departments in a reserved code range, seeded with
// synthetic enterprises, licenses, catalog resources and a request — and then acts there with their
// role through every other capability unchanged: their sessions carry a practice principal (the
// copy's department, `practice: true`), and the policies (src/policy/practice.cedar) deny a
// practice principal everything outside its copy. A guard in every license and agreement change
// keeps the practice range and the real one apart whoever acts. A reset starts the copy over.
import type { AgreementEvent } from '../agreements/index.ts';
import { findDepartment, getDepartment } from '../departments/index.ts';
import type { LicenseEvent } from '../licenses/index.ts';
import { usePractice } from '../people/index.ts';
import type { HolderPrincipal, PersonPrincipal, Principal } from '../platform/auth/principal.ts';
import { DomainError, forbidden } from '../platform/errors.ts';
import type { DomainEvent } from '../platform/events.ts';
import type { Platform } from '../platform/platform.ts';
import { isPracticeCode } from '../platform/practiceCodes.ts';
import { authorize } from '../policy/index.ts';
import { serialOf, SLOTS, type CopyRole, type Slot } from './codes.ts';
import { currentCopy, isPractising, nextSerial, practisingCopy, replaceCopy, setPractising, type Copy } from './copies.ts';
import { practiceEvent } from './events.ts';
import { resourceIds, seedCopy, type PracticeEnterprise, type PracticeKit } from './seed.ts';

export type { PracticeEvent } from './events.ts';
export type { PracticeEnterprise, PracticeKit } from './seed.ts';

/** What the console shows of a person's practice mode. */
export interface PracticeView {
  practice: boolean;
  copy: {
    serial: number;
    createdAt: string;
    /** The department the person acts for in practice (their own, practised); an enterprise's: the copy's issuer. */
    departmentCode: string;
    /** The enterprise an enterprise acts as in practice (the copy's example enterprise); null for staff. */
    holderCode: string | null;
    departments: { code: string; name: string; role: Slot; own: boolean }[];
    enterprises: PracticeEnterprise[];
    resources: { licenses: string; reports: string };
  } | null;
}

const PLATFORM = { type: 'Platform', id: 'certbridge' };
const kits = new WeakMap<Platform, PracticeKit>();

interface RealSelf {
  kind: 'person' | 'holder';
  /** The copy's owner: a person's id, or `holder:` and an enterprise's account id. */
  personId: string;
  /** A person's username; an enterprise's credit code. */
  username: string;
  /** A person's real department; an enterprise's credit code. */
  departmentCode: string;
  role: CopyRole;
  session: string;
}

/** The person (or enterprise) behind a principal, as they really are: their real department and role. */
async function realPerson(platform: Platform, principal: Principal): Promise<RealSelf> {
  authorize(principal, 'practice:use', PLATFORM);
  if (principal.kind === 'holder') return realHolder(platform, principal);
  const person = principal as PersonPrincipal;
  // Practice mode belongs to a console session: a person's principal always comes with one.
  if (!person.session) throw forbidden('practice mode is for staff signed in to the console');
  const session = person.session;
  if (person.practice) {
    const copy = await currentCopy(platform.store, person.personId);
    if (copy) return { kind: 'person', personId: person.personId, username: person.username, departmentCode: copy.departmentCode, role: copy.role, session };
  }
  const role = person.roles.find((r): r is Slot => (SLOTS as readonly string[]).includes(r));
  if (!role) throw forbidden('practice mode is for staff with the issuer, consumer or coordinator role');
  return { kind: 'person', personId: person.personId, username: person.username, departmentCode: person.departmentCode, role, session };
}

/** An enterprise signed in to the console (not with an access token): its copy is kept under its account. */
async function realHolder(platform: Platform, holder: HolderPrincipal): Promise<RealSelf> {
  if (!holder.session) throw forbidden('practice mode is for enterprises signed in to the console');
  const personId = `holder:${holder.accountId}`;
  let code = holder.holderCode;
  if (holder.practice) code = (await currentCopy(platform.store, personId))?.username ?? code;
  return { kind: 'holder', personId, username: code, departmentCode: code, role: 'enterprise', session: holder.session };
}

/** The example enterprise of a copy: the one an enterprise acts as in practice (the first seeded with a license). */
const exampleEnterprise = (copy: Pick<Copy, 'enterprises'>): PracticeEnterprise => copy.enterprises.find((e) => e.seededLicense) ?? copy.enterprises[0];

async function view(platform: Platform, personId: string, session: string): Promise<PracticeView> {
  const practice = await isPractising(platform.store, session);
  const copy = await currentCopy(platform.store, personId);
  if (!copy) return { practice, copy: null };
  const departments = await Promise.all(
    copy.departments.map(async (code, i) => ({ code, name: (await findDepartment(platform.store, code))?.name ?? code, role: SLOTS[i], own: SLOTS[i] === copy.role })),
  );
  const enterprise = copy.role === 'enterprise';
  return {
    practice,
    copy: {
      serial: copy.serial,
      createdAt: copy.createdAt,
      departmentCode: enterprise ? copy.departments[SLOTS.indexOf('issuer')] : copy.departments[SLOTS.indexOf(copy.role as Slot)],
      holderCode: enterprise ? exampleEnterprise(copy).holderCode : null,
      departments,
      enterprises: copy.enterprises,
      resources: resourceIds(copy.serial, kits.get(platform)?.licenseType ?? ''),
    },
  };
}

/** Seeds a new copy for the person; it becomes current only when the caller says so (replaceCopy). */
async function newCopy(platform: Platform, person: RealSelf): Promise<Omit<Copy, 'createdAt'>> {
  const kit = kits.get(platform);
  if (!kit) throw new Error('practice: no practice kit (the composition root gives one)');
  // An enterprise's copy is in its own province (the division in its credit code); its departments are all partners.
  const real =
    person.role === 'enterprise'
      ? { code: person.departmentCode, name: '', nameEn: '', region: `${person.departmentCode.slice(2, 4)}0000` }
      : await getDepartment(platform.store, person.departmentCode);
  const serial = await nextSerial(platform.store);
  const seeded = await seedCopy(platform, kit, serial, person.role, real);
  return { serial, personId: person.personId, username: person.username, departmentCode: real.code, role: person.role, ...seeded };
}

/** Whether the person is in practice mode, and their copy (a person signed in to the console). */
export async function practiceState(platform: Platform, principal: Principal): Promise<PracticeView> {
  const person = await realPerson(platform, principal);
  return view(platform, person.personId, person.session);
}

/**
 * Switches practice mode on (the person's copy is seeded the first time) or off, for this console
 * session (every tab of it; a new sign-in starts in real work); recorded under the person, in their
 * real department, with `practice: true`.
 */
export async function switchPractice(platform: Platform, principal: Principal, on: boolean): Promise<PracticeView> {
  const person = await realPerson(platform, principal);
  let copy = await currentCopy(platform.store, person.personId);
  let seeded: Omit<Copy, 'createdAt'> | undefined;
  if (on && !copy) seeded = await newCopy(platform, person);
  await platform.store.transaction(async (tx) => {
    if (seeded) {
      copy = await currentCopy(tx, person.personId, true);
      if (!copy) await replaceCopy(tx, seeded);
    }
    const serial = copy?.serial ?? seeded?.serial ?? 0;
    if (await setPractising(tx, person.personId, person.session, on)) await platform.events.publish(tx, [practiceEvent(on ? 'practice.started' : 'practice.ended', person, serial)]);
  });
  return view(platform, person.personId, person.session);
}

/**
 * Starts the copy over: a freshly seeded copy replaces the person's current one in one
 * transaction (until then the old one stays current, so a failed reset changes nothing). The old
 * copy is retired: its departments and rows stay in the practice range (licenses are immutable, the
 * audit log append-only), and no one acts for them again.
 */
export async function resetPractice(platform: Platform, principal: Principal): Promise<PracticeView> {
  const person = await realPerson(platform, principal);
  const seeded = await newCopy(platform, person);
  await platform.store.transaction(async (tx) => {
    const previous = await currentCopy(tx, person.personId, true);
    await replaceCopy(tx, seeded);
    await platform.events.publish(tx, [practiceEvent('practice.reset', person, seeded.serial, previous?.serial)]);
  });
  return view(platform, person.personId, person.session);
}

// ── the guard: the practice range and the real one never meet ──

function refuse(detail: string): never {
  throw new DomainError('forbidden', 'practice-boundary', detail);
}

/** A license of a practice department goes only to its copy's enterprises; a real department's never to a practice code. */
function guardLicense(event: LicenseEvent): void {
  const issuer = event.facts.department ?? '';
  for (const holder of event.facts.holderCodes ?? []) {
    if (isPracticeCode(issuer)) {
      if (!isPracticeCode(holder) || serialOf(holder) !== serialOf(issuer)) {
        refuse(`in practice mode licenses are issued only to the practice copy's synthetic enterprises (练习企业), not to ${holder}: see GET /api/v1/session/practice for their codes`);
      }
    } else if (isPracticeCode(holder)) {
      refuse(`${holder} is in the range reserved for practice mode (练习模式): a real department issues no license to it`);
    }
  }
}

/** Both parties of an agreement are in the same practice copy, or neither is in practice. */
function guardAgreement(event: AgreementEvent): void {
  const { ownerDepartment, consumerDepartment } = event.data;
  const owner = isPracticeCode(ownerDepartment);
  if (owner !== isPracticeCode(consumerDepartment) || (owner && serialOf(ownerDepartment) !== serialOf(consumerDepartment))) {
    refuse(`resource ${event.data.resourceId} is ${owner ? 'practice data (练习数据)' : 'real'}: ${owner ? 'only its practice copy' : 'no practice department'} may ask for it`);
  }
}

/** Registers the guard and the practice principal of sessions (the composition root gives the synthetic enterprises). */
export function attachPractice(platform: Platform, kit: PracticeKit): void {
  kits.set(platform, kit);
  platform.events.on<LicenseEvent>('license.', async (_tx, events) => {
    for (const event of events) guardLicense(event);
  });
  platform.events.on<AgreementEvent>('agreement.', async (_tx, events) => {
    for (const event of events) guardAgreement(event);
  });
  usePractice(platform, async (signedIn) => {
    if (!signedIn.session) return undefined;
    if (signedIn.kind === 'holder') {
      const copy = await practisingCopy(platform.store, `holder:${signedIn.accountId}`, signedIn.session);
      if (!copy || copy.role !== 'enterprise') return undefined;
      return { ...signedIn, holderCode: exampleEnterprise(copy).holderCode, practice: true, practiceDepartments: copy.departments };
    }
    const copy = await practisingCopy(platform.store, signedIn.personId, signedIn.session);
    if (!copy || copy.role === 'enterprise') return undefined;
    return { ...signedIn, departmentCode: copy.departments[SLOTS.indexOf(copy.role)], roles: [copy.role], practice: true, practiceDepartments: copy.departments };
  });
}

/** Whether an event is practice data (its department is a practice department): for readers that keep real lists. */
export const isPracticeEvent = (event: DomainEvent): boolean => isPracticeCode(event.facts.department);
