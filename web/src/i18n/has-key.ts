import { DICTIONARY, type Key } from './dictionary';

export const hasKey = (k: string): k is Key => Object.prototype.hasOwnProperty.call(DICTIONARY, k);
