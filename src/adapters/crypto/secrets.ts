import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Secrets } from '../../app/ports.js';

export function createSecrets(): Secrets {
  return {
    newId: () => randomUUID(),
    // 256 bits: guessing is hopeless, so a plain SHA-256 is enough to store it.
    newCardKey: () => randomBytes(32).toString('base64url'),
    hashCardKey: (cardKey) => createHash('sha256').update(`kagiya-card-key:v1:${cardKey}`).digest(),
  };
}
