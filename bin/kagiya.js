#!/usr/bin/env node
// The `kagiya` command. Kagiya runs its TypeScript through tsx (no build step), so this registers tsx's
// loader and imports the real entry point.
import { register } from 'tsx/esm/api';

register();
await import('../src/adapters/cli/kagiya.ts');
