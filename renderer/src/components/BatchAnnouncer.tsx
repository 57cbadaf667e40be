// Live regions that tell assistive tech the batch's milestones (see lib/milestones): started,
// every 10 %, paused, finished with the summary, politely; a pause that needs the user (key,
// balance, budget cap...) assertively, in place of the banner's own alert, so it is said once,
// also when the batch was already paused on arrival. Visually hidden; the page shows the same.
import { useEffect, useRef, useState } from 'react';
import type { BatchViewDto } from '@common/contract';
import { useI18n, type I18n } from '../i18n';
import { formatCount, formatUsd } from '../lib/format';
import { useMoney } from '../lib/money';
import { MilestoneAnnouncer, needsUser, progressViewOf, type Milestone } from '../lib/milestones';
import { noticeWords } from '@common/batch-notices';

export function milestoneText(
  milestone: Milestone,
  { t, locale, language }: I18n,
  money: (usd: number) => string = (usd) => formatUsd(usd, locale),
): string {
  const { view } = milestone;
  const counts = {
    done: formatCount(view.done, locale),
    total: formatCount(view.toRun, locale),
    problems: formatCount(view.problems, locale),
  };
  switch (milestone.kind) {
    case 'started':
      return t('announce.started', counts);
    case 'resumed':
      return t('announce.resumed', counts);
    case 'progress':
      return t('announce.progress', { ...counts, percent: milestone.percent });
    case 'paused':
      return milestone.reason === 'user'
        ? t('announce.pausedByYou')
        : t('announce.paused', {
            reason: t(`pause.${milestone.reason}.title`),
            hint: t(`pause.${milestone.reason}.hint`),
          });
    case 'finished':
      // The notice's account of the end, as the OS notification and the webhook give it.
      return t('announce.finished', {
        summary: noticeWords(view.ending, null, language, money).body,
      });
    case 'cancelled':
      return t('announce.cancelled', counts);
  }
}

export function BatchAnnouncer({ batch }: { batch: BatchViewDto }) {
  const i18n = useI18n();
  const money = useMoney(batch.simulated);
  const [milestone, setMilestone] = useState<Milestone | null>(null);
  const announcer = useRef<MilestoneAnnouncer | null>(null);

  useEffect(() => {
    const created = new MilestoneAnnouncer({
      say: setMilestone,
      now: () => Date.now(),
      setTimer: (fn, ms) => {
        const timer = setTimeout(fn, ms);
        return () => clearTimeout(timer);
      },
    });
    announcer.current = created;
    return () => {
      created.dispose();
      announcer.current = null;
    };
  }, []);

  useEffect(() => {
    announcer.current?.update(progressViewOf(batch));
  }, [batch]);

  const text = milestone ? milestoneText(milestone, i18n, money) : '';
  const urgent = milestone !== null && needsUser(milestone);
  return (
    <>
      <div className="visually-hidden" role="status" aria-atomic="true" data-testid="batch-announcer">
        {urgent ? '' : text}
      </div>
      <div className="visually-hidden" role="alert" aria-atomic="true" data-testid="batch-announcer-urgent">
        {urgent ? text : ''}
      </div>
    </>
  );
}
