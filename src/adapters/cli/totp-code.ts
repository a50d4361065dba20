// `npm run totp -- <loginId>`: the current sign-in code of a demo staff account (development only).
import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../config.js';
import { currentTotp } from '../crypto/totp.js';
import { demoManifestPath, type DemoManifest } from './demo-data.js';

const loginId = process.argv[2];
const file = demoManifestPath(loadConfig().dataDir);
if (!existsSync(file)) {
  console.error('デモデータがありません。先に npm start を実行してください / no demo data: run npm start first');
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(file, 'utf8')) as DemoManifest;
const staff = manifest.staff.find((s) => s.loginId === loginId);
if (!staff) {
  console.error(`usage: npm run totp -- <loginId>   (${manifest.staff.map((s) => s.loginId).join(', ')})`);
  process.exit(1);
}
console.log(currentTotp(staff.totpSecret));
