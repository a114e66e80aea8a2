import { describe, expect, it } from 'vitest';
import {
  DATA_QUALITY_ISSUE_KINDS,
  checkPerson,
  checkRegistration,
  normalizeName,
  personalIdsToCheck,
  type PopulationFacts,
  type RegisteredPerson,
  type RegistrationFacts,
} from '../../../src/domain/civil-data-quality.js';

const MOTHER_ID = '096190012345';
const CHILD_ID = '096225000111';
const DECLARANT_ID = '096160000999';

function person(overrides: Partial<RegisteredPerson> & Pick<RegisteredPerson, 'role'>): RegisteredPerson {
  return { personalId: MOTHER_ID, fullName: 'Nguyễn Thị Lan', birthDate: '1990-04-12', ...overrides };
}

function citizen(overrides: Partial<PopulationFacts> = {}): PopulationFacts {
  return { personalId: MOTHER_ID, fullName: 'Nguyễn Thị Lan', birthDate: '1990-04-12', deceased: false, deathDate: null, ...overrides };
}

function birth(people: RegisteredPerson[], status: RegistrationFacts['status'] = 'REGISTERED'): RegistrationFacts {
  return { kind: 'BIRTH', status, deathDate: null, people };
}

function death(status: RegistrationFacts['status'], deceased: Partial<RegisteredPerson> = {}): RegistrationFacts {
  return {
    kind: 'DEATH',
    status,
    deathDate: '2025-09-03',
    people: [
      person({ role: 'DECEASED', personalId: MOTHER_ID, ...deceased }),
      person({ role: 'DECLARANT', personalId: DECLARANT_ID, fullName: 'Trần Văn Minh', birthDate: null }),
    ],
  };
}

/** A population database holding exactly these citizens. */
function holding(...citizens: PopulationFacts[]): (id: string) => PopulationFacts | null {
  const byId = new Map(citizens.map((c) => [c.personalId, c]));
  return (id) => byId.get(id) ?? null;
}

describe('DATA_QUALITY_ISSUE_KINDS', () => {
  it('lists the kinds in their stored spelling', () => {
    expect(DATA_QUALITY_ISSUE_KINDS).toEqual(['UNKNOWN_PERSONAL_ID', 'NAME_DIFFERS', 'BIRTH_DATE_DIFFERS', 'DEATH_NOT_RECORDED']);
  });
});

describe('normalizeName', () => {
  it('reads a name typed with combining marks as the same name typed precomposed', () => {
    expect(normalizeName('Nguyễn Thị Lan'.normalize('NFD'))).toBe(normalizeName('Nguyễn Thị Lan'));
  });

  it('ignores case and extra, leading, trailing and non-breaking spaces', () => {
    expect(normalizeName('  NGUYỄN  thị\u00a0Lan ')).toBe('nguyễn thị lan');
  });

  it('keeps the diacritics, which tell names apart', () => {
    expect(normalizeName('Lê Văn Hùng')).not.toBe(normalizeName('Le Van Hung'));
  });
});

describe('checkRegistration', () => {
  it('finds nothing when every person agrees with the population database', () => {
    const registration = birth([person({ role: 'MOTHER' }), person({ role: 'CHILD', personalId: CHILD_ID, fullName: 'Phạm Minh An', birthDate: '2025-08-20' })]);
    const db = holding(citizen(), citizen({ personalId: CHILD_ID, fullName: 'Phạm Minh An', birthDate: '2025-08-20' }));
    expect(checkRegistration(registration, db)).toEqual([]);
  });

  it('counts a name that differs only in Unicode form, case or spacing as the same name', () => {
    const registration = birth([person({ role: 'MOTHER', fullName: ' nguyễn  THỊ lan'.normalize('NFD') })]);
    expect(checkRegistration(registration, holding(citizen()))).toEqual([]);
  });

  it('reports an id the population database does not hold as UNKNOWN_PERSONAL_ID, with nothing on the population side', () => {
    const issues = checkRegistration(birth([person({ role: 'MOTHER' })]), holding());
    expect(issues).toEqual([
      {
        kind: 'UNKNOWN_PERSONAL_ID',
        role: 'MOTHER',
        personalId: MOTHER_ID,
        field: 'personalId',
        registrationValue: MOTHER_ID,
        populationValue: null,
        detail: 'The personal id of the mother on this birth registration is not in the National Population Database.',
      },
    ]);
  });

  it('reports a name lacking a diacritic as NAME_DIFFERS with both spellings', () => {
    const [issue, ...rest] = checkRegistration(birth([person({ role: 'MOTHER', fullName: 'Nguyen Thị Lan' })]), holding(citizen()));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ kind: 'NAME_DIFFERS', role: 'MOTHER', field: 'fullName', registrationValue: 'Nguyen Thị Lan', populationValue: 'Nguyễn Thị Lan' });
  });

  it('reports another birth date as BIRTH_DATE_DIFFERS with both dates', () => {
    const issues = checkRegistration(birth([person({ role: 'MOTHER', birthDate: '1990-04-21' })]), holding(citizen()));
    expect(issues).toMatchObject([{ kind: 'BIRTH_DATE_DIFFERS', field: 'birthDate', registrationValue: '1990-04-21', populationValue: '1990-04-12' }]);
  });

  it('does not compare a birth date the registration does not give', () => {
    expect(checkRegistration(birth([person({ role: 'MOTHER', birthDate: null })]), holding(citizen()))).toEqual([]);
  });

  it('reports both the name and the birth date when both differ', () => {
    const issues = checkRegistration(birth([person({ role: 'MOTHER', fullName: 'Nguyễn Thu Lan', birthDate: '1991-04-12' })]), holding(citizen()));
    expect(issues.map((issue) => issue.kind)).toEqual(['NAME_DIFFERS', 'BIRTH_DATE_DIFFERS']);
  });

  it('checks each person recorded, and says whose value differs', () => {
    const registration = birth([person({ role: 'MOTHER' }), person({ role: 'CHILD', personalId: CHILD_ID, fullName: 'Phạm Minh Anh', birthDate: '2025-08-20' })]);
    const db = holding(citizen(), citizen({ personalId: CHILD_ID, fullName: 'Phạm Minh An', birthDate: '2025-08-20' }));
    expect(checkRegistration(registration, db)).toMatchObject([{ kind: 'NAME_DIFFERS', role: 'CHILD', personalId: CHILD_ID }]);
  });

  it('skips people named without an id and the declarant', () => {
    const registration = birth([
      person({ role: 'CHILD', personalId: null }),
      person({ role: 'MOTHER' }),
      person({ role: 'DECLARANT', personalId: DECLARANT_ID, fullName: 'Someone Else', birthDate: null }),
    ]);
    expect(personalIdsToCheck(registration)).toEqual([MOTHER_ID]);
    expect(checkRegistration(registration, holding(citizen()))).toEqual([]);
  });

  it('reports a registered death of a citizen the population database shows alive as DEATH_NOT_RECORDED', () => {
    const issues = checkRegistration(death('REGISTERED'), holding(citizen()));
    expect(issues).toMatchObject([
      { kind: 'DEATH_NOT_RECORDED', role: 'DECEASED', field: 'deathDate', registrationValue: '2025-09-03', populationValue: null },
    ]);
  });

  it('also after the extract was handed over', () => {
    expect(checkRegistration(death('RESULT_RETURNED'), holding(citizen())).map((issue) => issue.kind)).toEqual(['DEATH_NOT_RECORDED']);
  });

  it.each(['AWAITING_ACCEPTANCE', 'SUPPLEMENT_REQUESTED', 'PROCESSING', 'REFUSED', null] as const)(
    'does not expect the death recorded while the registration is %s',
    (status) => {
      expect(checkRegistration(death(status), holding(citizen()))).toEqual([]);
    },
  );

  it('finds nothing when the population database records the death', () => {
    expect(checkRegistration(death('REGISTERED'), holding(citizen({ deceased: true, deathDate: '2025-09-03' })))).toEqual([]);
  });

  it('reports only the unknown id of a deceased the database does not hold', () => {
    expect(checkRegistration(death('REGISTERED'), holding()).map((issue) => issue.kind)).toEqual(['UNKNOWN_PERSONAL_ID']);
  });
});

describe('checkPerson', () => {
  it('keeps the values out of the detail sentence', () => {
    const marriage: RegistrationFacts = { kind: 'MARRIAGE', status: 'REGISTERED', deathDate: null, people: [] };
    const [issue] = checkPerson(marriage, { role: 'WIFE', personalId: MOTHER_ID, fullName: 'Nguyen Thi Lan', birthDate: '1990-04-13' }, citizen());
    expect(issue?.detail).toBe('The name of the wife on this marriage registration differs from the National Population Database.');
    for (const value of ['Nguyen', 'Nguyễn', '1990', MOTHER_ID]) expect(issue?.detail).not.toContain(value);
  });
});
