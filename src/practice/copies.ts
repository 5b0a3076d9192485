/** The practice capability's tables: each person's current copy, and who is in practice mode now. */
import type { Queryable } from '../platform/store/store.ts';
import type { CopyRole } from './codes.ts';
import type { PracticeEnterprise } from './seed.ts';

export interface Copy {
  serial: number;
  personId: string;
  username: string;
  /** The person's real department and the role they practise in (an enterprise's: its own credit code, and `enterprise`). */
  departmentCode: string;
  role: CopyRole;
  /** Issuer, consumer, coordination office (see SLOTS). */
  departments: string[];
  enterprises: PracticeEnterprise[];
  createdAt: string;
}

interface CopyRow {
  serial: number;
  person_id: string;
  username: string;
  department_code: string;
  role: CopyRole;
  departments: string[];
  enterprises: PracticeEnterprise[] | string;
  created_at: Date;
}

const toCopy = (r: CopyRow): Copy => ({
  serial: Number(r.serial),
  personId: r.person_id,
  username: r.username,
  departmentCode: r.department_code,
  role: r.role,
  departments: r.departments,
  enterprises: typeof r.enterprises === 'string' ? (JSON.parse(r.enterprises) as PracticeEnterprise[]) : r.enterprises,
  createdAt: r.created_at.toISOString(),
});

const COLUMNS = 'serial, person_id, username, department_code, role, departments, enterprises, created_at';

export async function nextSerial(db: Queryable): Promise<number> {
  return Number((await db.query<{ serial: string }>("select nextval('practice_copy_serials') as serial")).rows[0].serial);
}

export async function currentCopy(db: Queryable, personId: string, lock = false): Promise<Copy | undefined> {
  const row = (await db.query<CopyRow>(`select ${COLUMNS} from practice_copies where person_id = $1 and retired_at is null ${lock ? 'for update' : ''}`, [personId])).rows[0];
  return row ? toCopy(row) : undefined;
}

/** The current copy of a person (or an enterprise) whose session is in practice mode (one read per request of the session). */
export async function practisingCopy(db: Queryable, personId: string, session: string): Promise<Pick<Copy, 'serial' | 'role' | 'departments' | 'enterprises'> | undefined> {
  const row = (
    await db.query<Pick<CopyRow, 'serial' | 'role' | 'departments' | 'enterprises'>>(
      `select c.serial, c.role, c.departments, c.enterprises from practice_sessions s
         join practice_copies c on c.person_id = s.person_id and c.retired_at is null
        where s.session_hash = $2 and s.person_id = $1`,
      [personId, session],
    )
  ).rows[0];
  return row
    ? {
        serial: Number(row.serial),
        role: row.role,
        departments: row.departments,
        enterprises: typeof row.enterprises === 'string' ? (JSON.parse(row.enterprises) as PracticeEnterprise[]) : row.enterprises,
      }
    : undefined;
}

export async function isPractising(db: Queryable, session: string): Promise<boolean> {
  return (await db.query('select 1 from practice_sessions where session_hash = $1', [session])).rows.length > 0;
}

/** Retires the person's current copy (if any) and makes `copy` current. */
export async function replaceCopy(db: Queryable, copy: Omit<Copy, 'createdAt'>): Promise<void> {
  await db.query('update practice_copies set retired_at = now() where person_id = $1 and retired_at is null', [copy.personId]);
  await db.query(
    'insert into practice_copies (serial, person_id, username, department_code, role, departments, enterprises) values ($1, $2, $3, $4, $5, $6, $7)',
    [copy.serial, copy.personId, copy.username, copy.departmentCode, copy.role, copy.departments, JSON.stringify(copy.enterprises)],
  );
}

export async function setPractising(db: Queryable, personId: string, session: string, on: boolean): Promise<boolean> {
  const changed = on
    ? await db.query('insert into practice_sessions (session_hash, person_id) values ($1, $2) on conflict (session_hash) do nothing', [session, personId])
    : await db.query('delete from practice_sessions where session_hash = $1', [session]);
  return changed.rowCount > 0;
}

/** Sessions end (signed out, idle, disabled) without telling practice mode: their rows are forgotten after a week, longer than any session lives. */
export async function forgetEndedPracticeSessions(db: Queryable): Promise<void> {
  await db.query("delete from practice_sessions where since < now() - interval '7 days'");
}
