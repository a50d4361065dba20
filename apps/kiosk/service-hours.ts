// The kiosk's hours are a domain rule shared with Kagiya's kiosk-reset check (src/domain/kiosk-hours.ts).
export { checkServiceHours, CLOSES, OPENS, type HoursVerdict } from '../../src/domain/kiosk-hours.js';
