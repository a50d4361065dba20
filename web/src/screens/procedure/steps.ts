import type { Procedure } from '../../api/types';

// Where a procedure stands, for the stepper and the panel shown (src/domain/procedure.ts: NEXT).
// Both paths end at the customer PIN pad: staff never type a holder's PIN (on the letter path the proxy types the
// PINs written in the sealed answer there).
export type StepKey = 'check_documents' | 'issue_letter' | 'verify_answer' | 'present_card' | 'open_pin_pad' | 'done';

export const SAME_DAY_STEPS: readonly StepKey[] = ['check_documents', 'present_card', 'open_pin_pad', 'done'];
export const LETTER_STEPS: readonly StepKey[] = ['check_documents', 'issue_letter', 'verify_answer', 'present_card', 'open_pin_pad', 'done'];

export function stepsOf(p: Procedure): readonly StepKey[] {
  return p.sameDay ? SAME_DAY_STEPS : LETTER_STEPS;
}

export function currentStep(p: Procedure): StepKey | 'ended' {
  switch (p.state) {
    case 'opened':
      return 'check_documents';
    case 'documents_checked':
      return p.sameDay ? 'present_card' : 'issue_letter';
    case 'letter_issued':
      return 'verify_answer';
    case 'answer_verified':
      return 'present_card';
    case 'card_presented':
      return 'open_pin_pad';
    case 'awaiting_pins':
      return 'open_pin_pad';
    case 'completed':
      return 'done';
    default:
      return 'ended';
  }
}
