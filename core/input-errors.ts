// Input problems in a person's words: each names the field as the forms label it ("Weight: must be
// more than 0."), never a method name, a field path or a validator's own wording.
import type { z } from 'zod';

/** How the forms label each input field; a field not listed here is named by its words split apart. */
export const FIELD_WORDS: Readonly<Record<string, string>> = {
  protocolId: 'Trial',
  studyId: 'Study ID',
  initials: 'Initials',
  birthDate: 'Date of birth',
  ageYears: 'Age',
  sex: 'Sex',
  weightKg: 'Weight',
  consentDate: 'Consent date',
  day1: 'Day 1',
  stratum: 'Stratum',
  armKey: 'Arm',
  actualDate: 'Date done',
  newDate: 'New date',
  reason: 'Reason',
  notes: 'Notes',
  lotNumber: 'Lot number',
  givenAt: 'Time given',
  givenTime: 'Time given',
  date: 'Date',
  passphrase: 'Passphrase',
  current: 'Current passphrase',
  next: 'New passphrase',
  name: 'Name',
  roles: 'Roles',
  value: 'Value',
  field: 'Field',
  note: 'Amendment note',
  effectiveDate: 'Takes effect on',
  from: 'From',
  to: 'To',
  start: 'Study Day 1',
  csv: 'File',
  fileName: 'File name',
  answers: 'Answers',
  kind: 'Export',
  limit: 'Rows',
  toVersion: 'Version',
  key: 'Setting',
  document: 'Protocol',
};

function fieldName(path: readonly PropertyKey[]): string {
  const named = [...path].reverse().find((p): p is string => typeof p === 'string');
  if (named === undefined) return 'Input';
  return FIELD_WORDS[named] ?? named.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase()).replace(/_/g, ' ');
}

const ZOD_WORDING = /^(Invalid|Too (small|big)|Unrecognized|Expected)/;
const KIND_WORDS: Record<string, string> = { int: 'a whole number',  string: 'text', number: 'a number', boolean: 'yes or no', array: 'a list', object: 'a set of fields' };

/** One issue as a sentence: the validators' own words replaced where they are a developer's. */
export function plainIssue(issue: z.core.$ZodIssue): string {
  // A message a schema gives in its own words wins over the generic wording.
  if (issue.message && !ZOD_WORDING.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      const received = (issue as { input?: unknown }).input;
      if (received === undefined || received === null) return 'is required';
      return `must be ${KIND_WORDS[issue.expected] ?? issue.expected}`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
      if (issue.origin === 'array') return min <= 1 ? 'choose at least one' : `choose at least ${min}`;
      return issue.inclusive ? `must be at least ${min}` : `must be more than ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array') return `at most ${max}`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case 'invalid_value':
      return issue.values.length <= 6 ? `must be one of: ${issue.values.map(String).join(', ')}` : 'is not one of the choices';
    case 'unrecognized_keys':
      return `${issue.keys.map((k) => fieldName([k])).join(', ')}: not a field here`;
    case 'invalid_format':
      return 'is not in the right form';
    case 'not_multiple_of':
      return issue.divisor === 1 ? 'must be a whole number' : `must be a multiple of ${issue.divisor}`;
    default:
      return 'is not valid';
  }
}

/** Every issue of a failed parse as "Field: problem." lines. */
export function describeInputIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const message = i.code === 'unrecognized_keys' ? plainIssue(i) : `${fieldName(i.path)}: ${plainIssue(i)}`;
    return /[.!?]$/.test(message) ? message : `${message}.`;
  });
}
