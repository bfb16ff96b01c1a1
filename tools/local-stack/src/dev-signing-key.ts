// The manifest signing key of local runs (`npm run dev`, the demo): made once, kept in the
// git-ignored data folder, so manifests written locally are signed and verify can check them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKey, parseSigningKey } from '@log-exporter/manifests';
import { DATA_DIR } from './paths';

export function devSigningKeyEnv(): { MANIFEST_SIGNING_KEY: string; MANIFEST_PUBLIC_KEYS: string } {
  const file = join(DATA_DIR, 'dev-manifest-signing-key');
  if (!existsSync(file)) {
    mkdirSync(DATA_DIR, { recursive: true });
    writeFileSync(file, generateSigningKey() + '\n', { mode: 0o600 });
  }
  const seed = readFileSync(file, 'utf8').trim();
  return { MANIFEST_SIGNING_KEY: seed, MANIFEST_PUBLIC_KEYS: parseSigningKey(seed).publicKey.base64 };
}
