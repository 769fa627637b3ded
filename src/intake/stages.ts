import type { Stage } from '../rules/schema.ts';
import type { UnitKind } from '../units/tree.ts';
import { parseNoticeTime } from '../util/time.ts';

/**
 * A contest's stages with their dates: the rule set's (as the notice states them) unless the organizer
 * set the contest's own. Dates the notice leaves out, or gives without a year, are editable defaults.
 */

export interface StageDates {
  key: string;
  name: string;
  intake: boolean;
  units: UnitKind[];
  /** ISO instants; null when neither the notice nor the organizer gave one. */
  opensAt: string | null;
  closesAt: string | null;
  /** The date shown is a default to confirm: the notice gives none, or no year. */
  editableDefault: boolean;
  /** The notice's close when it had passed before the contest was created (a rule set of an earlier round): not applied. */
  staleClose: string | null;
  /** 'contest': the organizer set this contest's dates. */
  source: 'rules' | 'contest';
  note: string | null;
}

/** The organizer's closing time for one stage (a row of the contest's deadlines, src/deadlines). */
export interface StageOverride {
  stageKey: string;
  closesAt: string;
}

/**
 * The stages of a rule set with dates resolved in the year of `createdAt` (the contest's creation, for dates the
 * notice wrote without a year). A notice's close already past when the contest was created is not applied: the rule
 * set is from an earlier year, and the organizer sets this contest's date.
 */
export function stageSchedule(stages: readonly Stage[], createdAt: string, overrides: readonly StageOverride[] = []): StageDates[] {
  const year = Number(createdAt.slice(0, 4));
  return stages.map((s) => {
    const own = overrides.find((o) => o.stageKey === s.key);
    const opens = s.opens ? parseNoticeTime(s.opens, year, 'opens') : null;
    const parsed = s.closes ? parseNoticeTime(s.closes, year, 'closes') : null;
    const stale = parsed && parsed.at < createdAt ? parsed.at : null;
    const closes = stale ? null : parsed;
    const yearless = (opens && !opens.yearGiven) || (closes && !closes.yearGiven);
    return {
      key: s.key,
      name: s.name,
      intake: s.intake,
      units: s.units,
      opensAt: opens?.at ?? null,
      closesAt: own ? own.closesAt : (closes?.at ?? null),
      editableDefault: !own && (s.editableDefault || Boolean(yearless) || (s.intake && !closes)),
      staleClose: own ? null : stale,
      source: own ? 'contest' : 'rules',
      note: s.note ?? null,
    };
  });
}

/**
 * The intake stage whose deadline applies to entries sent through a unit of `kind` (null: no unit): the
 * first intake stage naming that kind, else the first intake stage naming none.
 */
export function intakeStageFor(schedule: readonly StageDates[], kind: UnitKind | null): StageDates | null {
  const intake = schedule.filter((s) => s.intake);
  return (kind ? intake.find((s) => s.units.includes(kind)) : undefined) ?? intake.find((s) => s.units.length === 0) ?? null;
}

/** True when something arriving `at` (ISO) is after the stage's close (逾期). */
export const arrivedLate = (stage: StageDates | null, at: string): boolean =>
  Boolean(stage?.closesAt && new Date(at).getTime() > new Date(stage.closesAt).getTime());
