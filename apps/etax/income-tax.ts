// A simple income-tax return (確定申告書, salary earners) computed with the national tables for 令和6年分
// (tax year 2024), the last year whose tables are settled: 給与所得控除, 基礎控除, the rate table of
// 所得税法89条 and the 2.1 % 復興特別所得税. Pure: figures in, figures out. It simplifies on purpose (no
// 給与所得 table rounding under ¥6.6M, one line for other deductions) and says so on the form.

export type ReturnFigures = Readonly<{
  /** 給与等の収入金額 */
  salary: number;
  /** 社会保険料控除 */
  socialInsurance: number;
  /** その他の所得控除 (生命保険料・医療費控除など) */
  otherDeductions: number;
  /** 源泉徴収税額 */
  withheld: number;
}>;

export type ComputedReturn = Readonly<{
  employmentDeduction: number;
  employmentIncome: number;
  basicDeduction: number;
  totalDeductions: number;
  taxableIncome: number;
  incomeTax: number;
  reconstructionTax: number;
  totalTax: number;
  /** Positive: to pay (100-yen units); negative: refunded. */
  balance: number;
}>;

export const TAX_YEAR = { western: 2024, ja: '令和6年分' } as const;

export const FIGURE_FIELDS = ['salary', 'socialInsurance', 'otherDeductions', 'withheld'] as const;
const MAX_YEN = 10_000_000_000; // ¥10bn: beyond any salary return, and well inside safe integers

/** 給与所得控除 (所得税法28条3項, 令和2年分以降). */
export function employmentDeduction(salary: number): number {
  if (salary <= 1_625_000) return Math.min(salary, 550_000);
  if (salary <= 1_800_000) return Math.floor(salary * 0.4) - 100_000;
  if (salary <= 3_600_000) return Math.floor(salary * 0.3) + 80_000;
  if (salary <= 6_600_000) return Math.floor(salary * 0.2) + 440_000;
  if (salary <= 8_500_000) return Math.floor(salary * 0.1) + 1_100_000;
  return 1_950_000;
}

/** 基礎控除 (所得税法86条, 令和2年分以降): by total income. */
export function basicDeduction(totalIncome: number): number {
  if (totalIncome <= 24_000_000) return 480_000;
  if (totalIncome <= 24_500_000) return 320_000;
  if (totalIncome <= 25_000_000) return 160_000;
  return 0;
}

/** 所得税の速算表 (所得税法89条): rate and the quick deduction per band. */
const BANDS: ReadonlyArray<readonly [upTo: number, rate: number, less: number]> = [
  [1_949_000, 0.05, 0],
  [3_299_000, 0.1, 97_500],
  [6_949_000, 0.2, 427_500],
  [8_999_000, 0.23, 636_000],
  [17_999_000, 0.33, 1_536_000],
  [39_999_000, 0.4, 2_796_000],
  [Infinity, 0.45, 4_796_000],
];

export function incomeTaxOn(taxableIncome: number): number {
  const band = BANDS.find(([upTo]) => taxableIncome <= upTo)!;
  // Integer arithmetic in yen: rate × income is exact at these magnitudes once rounded down.
  return Math.max(0, Math.floor((taxableIncome * Math.round(band[1] * 100)) / 100) - band[2]);
}

export function computeReturn(f: ReturnFigures): ComputedReturn {
  const employment = employmentDeduction(f.salary);
  const employmentIncome = Math.max(0, f.salary - employment);
  const basic = basicDeduction(employmentIncome);
  const totalDeductions = f.socialInsurance + f.otherDeductions + basic;
  // 国税通則法118条: the tax base is rounded down to ¥1,000.
  const taxableIncome = Math.floor(Math.max(0, employmentIncome - totalDeductions) / 1000) * 1000;
  const incomeTax = incomeTaxOn(taxableIncome);
  const reconstructionTax = Math.floor((incomeTax * 21) / 1000);
  const totalTax = incomeTax + reconstructionTax;
  const difference = totalTax - f.withheld;
  // 国税通則法119条: tax due is rounded down to ¥100; a refund is paid in full.
  const balance = difference > 0 ? Math.floor(difference / 100) * 100 : difference;
  return {
    employmentDeduction: employment,
    employmentIncome,
    basicDeduction: basic,
    totalDeductions,
    taxableIncome,
    incomeTax,
    reconstructionTax,
    totalTax,
    balance,
  };
}

/** Reads the form: whole yen, 0 or more; full-width digits and commas are accepted. */
export function parseFigures(form: Readonly<Record<string, unknown>>): ReturnFigures | null {
  const out: Partial<Record<(typeof FIGURE_FIELDS)[number], number>> = {};
  for (const field of FIGURE_FIELDS) {
    const raw = form[field];
    if (typeof raw !== 'string') return null;
    const text = raw.normalize('NFKC').replace(/[,\s円]/g, '');
    if (!/^\d{1,11}$/.test(text)) return null;
    const n = Number(text);
    if (n > MAX_YEN) return null;
    out[field] = n;
  }
  return out as ReturnFigures;
}
