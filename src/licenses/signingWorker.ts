import { parentPort, workerData } from 'node:worker_threads';
import { loadSigningKey, type StoredKeyMaterial } from '../platform/crypto/keys.ts';
import { signTasks, type SignTask } from './signing.ts';

const { stored, masterKey, publicUrl } = (workerData as { init: { stored: StoredKeyMaterial; masterKey: Uint8Array; publicUrl: string } }).init;
const key = loadSigningKey(stored, Buffer.from(masterKey));

parentPort!.on('message', (tasks: SignTask[]) => {
  try {
    parentPort!.postMessage({ ok: true, value: signTasks(key, publicUrl, tasks) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: (error as Error).message });
  }
});
