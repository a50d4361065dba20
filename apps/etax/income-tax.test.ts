import { describe, expect, it } from 'vitest';
import { basicDeduction, computeReturn, employmentDeduction, incomeTaxOn, parseFigures } from './income-tax.js';

describe('income tax (令和6年分 tables)', () => {
  it.each([
    [1_000_000, 550_000],
    [1_625_000, 550_000],
    [1_700_000, 580_000],
    [3_000_000, 980_000],
    [5_000_000, 1_440_000],
    [8_000_000, 1_900_000],
    [10_000_000, 1_950_000],
  ])('deducts the employment deduction for a salary of %i', (salary, expected) => {
    expect(employmentDeduction(salary)).toBe(expected);
  });

  it('keeps the basic deduction at ¥480,000 up to ¥24M and phases it out above', () => {
    expect(basicDeduction(24_000_000)).toBe(480_000);
    expect(basicDeduction(24_000_001)).toBe(320_000);
    expect(basicDeduction(25_000_001)).toBe(0);
  });

  it.each([
    [1_000_000, 50_000],
    [1_949_000, 97_450],
    [3_000_000, 202_500],
    [5_000_000, 572_500],
    [10_000_000, 1_764_000],
  ])('applies the quick-reckoning table to a taxable income of %i', (income, tax) => {
    expect(incomeTaxOn(income)).toBe(tax);
  });

  it('computes a ¥5M salary return down to the balance, rounded to ¥100 when due', () => {
    const r = computeReturn({ salary: 5_000_000, socialInsurance: 750_000, otherDeductions: 40_000, withheld: 100_000 });
    expect(r.employmentIncome).toBe(3_560_000);
    expect(r.taxableIncome).toBe(2_290_000); // 3,560,000 − (750,000 + 40,000 + 480,000)
    expect(r.incomeTax).toBe(131_500); // 2,290,000 × 10 % − 97,500
    expect(r.reconstructionTax).toBe(2_761);
    expect(r.totalTax).toBe(134_261);
    expect(r.balance).toBe(34_200);
  });

  it('pays a refund in full', () => {
    const r = computeReturn({ salary: 3_000_000, socialInsurance: 450_000, otherDeductions: 200_000, withheld: 100_000 });
    expect(r.balance).toBeLessThan(0);
    expect(r.balance).toBe(r.totalTax - 100_000);
  });

  it('never taxes a negative income', () => {
    const r = computeReturn({ salary: 500_000, socialInsurance: 900_000, otherDeductions: 0, withheld: 0 });
    expect(r.taxableIncome).toBe(0);
    expect(r.totalTax).toBe(0);
  });

  it('reads full-width digits and commas, and refuses anything that is not whole yen', () => {
    expect(parseFigures({ salary: '５,０００,０００', socialInsurance: '0', otherDeductions: '0', withheld: '1,000円' })).toEqual({
      salary: 5_000_000,
      socialInsurance: 0,
      otherDeductions: 0,
      withheld: 1_000,
    });
    for (const bad of ['-1', '1.5', '', 'abc', '1e9', '999999999999']) {
      expect(parseFigures({ salary: bad, socialInsurance: '0', otherDeductions: '0', withheld: '0' })).toBeNull();
    }
    expect(parseFigures({ salary: '1' })).toBeNull();
  });
});
