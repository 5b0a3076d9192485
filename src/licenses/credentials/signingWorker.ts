import { parentPort, workerData } from 'node:worker_threads';
import { loadSigningKey, type StoredKeyMaterial } from '../../platform/crypto/keys.ts';
import { compileLicenseType } from '../../standards/index.ts';
import { RecordMapper } from '../import/mapping.ts';
import { checkRowAlone, type RowCheckOptions } from '../import/validate.ts';
import { signTasks, type RowCheckJob, type SigningJob } from './signing.ts';

const { stored, masterKey, publicUrl } = (workerData as { init: { stored: StoredKeyMaterial; masterKey: Uint8Array; publicUrl: string } }).init;
const key = loadSigningKey(stored, Buffer.from(masterKey));

/** The compiled type and mapping of the import being checked: every job of one import names the same. */
let checking: { of: string; options: RowCheckOptions } | undefined;

function checkRows(job: RowCheckJob) {
  const { rows, ...context } = job;
  const of = JSON.stringify(context);
  if (checking?.of !== of) {
    const standard = compileLicenseType(job.definition);
    const options = { standard, mapper: new RecordMapper(standard, job.mapping), issuerName: job.issuerName, today: job.today, acceptLegacyCodes: job.acceptLegacyCodes };
    checking = { of, options };
  }
  const { options } = checking;
  return rows.map((row) => checkRowAlone(options, row));
}

parentPort!.on('message', (job: SigningJob) => {
  try {
    parentPort!.postMessage({ ok: true, value: 'sign' in job ? signTasks(key, publicUrl, job.sign) : checkRows(job.check) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: (error as Error).message });
  }
});
