import { useEffect, useState } from 'react';
import { get } from './client';
import type { Municipality, MunicipalPolicy, ResponseOf } from './types';
import type { Lang } from '../i18n/lang';

// Public reference data, fetched once per page load.
let municipalities: Promise<readonly Municipality[]> | null = null;

export function loadMunicipalities(): Promise<readonly Municipality[]> {
  municipalities ??= get<ResponseOf<'/api/v1/municipalities', 'get'>>('/api/v1/municipalities', { staff: false })
    .then((r) => r.municipalities)
    .catch((e: unknown) => {
      municipalities = null;
      throw e;
    });
  return municipalities;
}

export function useMunicipalityName(code: string | null | undefined, lang: Lang): string {
  const [list, setList] = useState<readonly Municipality[]>([]);
  useEffect(() => {
    let live = true;
    loadMunicipalities()
      .then((l) => live && setList(l))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  const m = list.find((x) => x.code === code);
  if (!code) return '';
  return m ? (lang === 'ja' ? m.nameJa : m.nameEn) : code;
}

export function loadPolicy(code: string): Promise<MunicipalPolicy> {
  return get<MunicipalPolicy>(`/api/v1/municipalities/${encodeURIComponent(code)}/policy`, { staff: false });
}
