import { documentsOfClass, type DocumentClass, type DocumentKind } from '@domain/identity-document';
import { checkApplicantDocuments, describeApplicant, type ApplicantType, type MunicipalPolicy } from '@domain/municipal-policy';
import { useMunicipalityName } from '../../api/municipalities';
import { useLang } from '../../i18n/lang';
import type { Key } from '../../i18n/dictionary';
import { documentName } from '../../labels';

/** What was ticked: the holder's card and the proxy's own card are both `my_number_card` to the API. */
export type Ticked = Readonly<{ holderCard: boolean; proxyCard: boolean; others: ReadonlySet<DocumentKind> }>;

export const NOTHING_TICKED: Ticked = { holderCard: false, proxyCard: false, others: new Set() };

export function presentedOf(ticked: Ticked): DocumentKind[] {
  return [
    ...(ticked.holderCard ? (['my_number_card'] as const) : []),
    ...(ticked.proxyCard ? (['my_number_card'] as const) : []),
    ...[...ticked.others],
  ];
}

const GROUPS: ReadonlyArray<[Exclude<DocumentClass, 'card'>, Key]> = [
  ['A', 'classA'],
  ['B', 'classB'],
  ['authority', 'classAuthority'],
];

/**
 * The checklist from the municipality's policy: the rule for this applicant in the same words as the public
 * guidance page (describeApplicant, shared with the server), a box per document kind, and a live check with the
 * same function the server applies.
 */
export function DocumentChecklist({
  policy,
  applicantType,
  ticked,
  onChange,
}: {
  policy: MunicipalPolicy;
  applicantType: ApplicantType;
  ticked: Ticked;
  onChange(next: Ticked): void;
}) {
  const { t, lang, pick } = useLang();
  const city = useMunicipalityName(policy.municipalityCode, lang);
  const rule = policy.documents[applicantType];
  const isProxy = applicantType !== 'self';
  const check = checkApplicantDocuments(policy, applicantType, presentedOf(ticked));
  const toggle = (kind: DocumentKind) => {
    const others = new Set(ticked.others);
    if (others.has(kind)) others.delete(kind);
    else others.add(kind);
    onChange({ ...ticked, others });
  };
  const box = (id: string, label: string, checked: boolean, change: () => void) => (
    <label key={id} className={`check ${checked ? 'check-on' : ''}`}>
      <input type="checkbox" name="documents" value={id} checked={checked} onChange={change} data-doc={id} />
      <span>{label}</span>
    </label>
  );

  return (
    <div className="checklist">
      <div className="rule-box">
        <p className="rule-for">{t('ruleFor', { type: t(`applicant_${applicantType}` as Key), city, version: policy.version })}</p>
        <p className="rule-text" data-testid="rule-text">
          {pick(describeApplicant(policy, applicantType))}
        </p>
        {(policy.notes.ja || policy.notes.en) && (
          <details className="rule-notes">
            <summary>{t('policyNotes')}</summary>
            <p className="small">{pick(policy.notes)}</p>
          </details>
        )}
      </div>
      <p className="field-hint">{t('documentsNote')}</p>
      <div className="check-groups">
        {(rule.cardRequired || isProxy) && (
          <fieldset className="check-group">
            <legend>{t('classCard')}</legend>
            {rule.cardRequired && box('holder_card', t('holderCard'), ticked.holderCard, () => onChange({ ...ticked, holderCard: !ticked.holderCard }))}
            {isProxy && box('proxy_card', t('proxyCard'), ticked.proxyCard, () => onChange({ ...ticked, proxyCard: !ticked.proxyCard }))}
          </fieldset>
        )}
        {GROUPS.filter(([cls]) => cls !== 'authority' || applicantType === 'legal_proxy').map(([cls, label]) => (
          <fieldset key={cls} className="check-group">
            <legend>{t(label)}</legend>
            {documentsOfClass(cls).map((kind) => box(kind, documentName(kind, lang), ticked.others.has(kind), () => toggle(kind)))}
          </fieldset>
        ))}
      </div>
      <p className={`check-result ${check.kind === 'ok' ? 'check-result-ok' : 'check-result-missing'}`} role="status" data-testid="documents-check">
        {check.kind === 'ok' ? t('documentsOk') : pick(check.needed)}
      </p>
    </div>
  );
}
