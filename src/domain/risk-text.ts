// What a risk rule and its figures mean, in plain Japanese first and English second: for the holder (login page),
// the counter (diagnosis) and the national admin (console). Never an address or a raw rule id.

type Text = Readonly<{ ja: string; en: string }>;

const n = (figures: Readonly<Record<string, unknown>>, key: string): number => (typeof figures[key] === 'number' ? (figures[key] as number) : 0);

export function riskRuleText(rule: string, figures: Readonly<Record<string, unknown>>): Text {
  const minutes = n(figures, 'windowMinutes');
  switch (rule) {
    case 'card-many-addresses':
      return {
        ja: `${minutes}分以内に${n(figures, 'addresses')}か所の異なる接続元から暗証番号の誤りが続きました（基準：${n(figures, 'threshold')}か所）`,
        en: `wrong PINs came from ${n(figures, 'addresses')} different network sources within ${minutes} minutes (threshold: ${n(figures, 'threshold')})`,
      };
    case 'card-many-services':
      return {
        ja: `${minutes}分以内に${n(figures, 'services')}件の異なるサービスで暗証番号の誤りが続きました（基準：${n(figures, 'threshold')}件）`,
        en: `wrong PINs were entered through ${n(figures, 'services')} different services within ${minutes} minutes (threshold: ${n(figures, 'threshold')})`,
      };
    case 'source-spray':
      return {
        ja: `${minutes}分以内に${n(figures, 'failedCards')}枚の異なるカードで暗証番号の誤りがありました`,
        en: `wrong PINs on ${n(figures, 'failedCards')} different cards within ${minutes} minutes`,
      };
    case 'service-failure-rate': {
      const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
      return {
        ja: `${minutes}分間の入力${n(figures, 'attempts')}回のうち${n(figures, 'failures')}回が誤り（失敗率${pct(n(figures, 'rate'))}、標準${pct(n(figures, 'norm'))}の${n(figures, 'factor')}倍以上）`,
        en: `${n(figures, 'failures')} of ${n(figures, 'attempts')} entries failed in ${minutes} minutes (a failure rate of ${pct(n(figures, 'rate'))}, at least ${n(figures, 'factor')} times the norm of ${pct(n(figures, 'norm'))})`,
      };
    }
    default:
      return { ja: 'いつもと異なる使われ方が見つかりました', en: 'the card was used in an unusual way' };
  }
}
