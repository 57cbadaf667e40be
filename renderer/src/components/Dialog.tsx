// A modal built on <dialog>: the page behind it is inert, Tab and Shift+Tab cycle inside it
// (two edge sentinels send focus round, also past a <video>'s own controls, which a list of
// focusable elements cannot see), Esc closes it (the `cancel` event, or `close` when the
// browser closes it without asking), and focus returns to where it was.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { dialogClosed, dialogOpened } from '../store/open-dialogs';
import './Dialog.css';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, video[controls], [tabindex]:not([tabindex="-1"])';

function focusEdge(dialog: HTMLDialogElement, edge: 'first' | 'last'): void {
  const all = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => !el.hasAttribute('data-focus-sentinel') && el.getClientRects().length > 0,
  );
  (edge === 'first' ? all[0] : all[all.length - 1])?.focus();
}
import { useI18n, type MessageKey, type Vars } from '../i18n';

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  /** The whole window (the full-screen review). */
  full?: boolean;
  testId?: string;
}

export function Dialog({ title, onClose, children, footer, wide, full, testId }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { t } = useI18n();
  const onCloseRef = useRef(onClose);
  const opening = useRef(false);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement as HTMLElement | null;
    opening.current = true;
    if (!dialog.open) dialog.showModal();
    opening.current = false;
    dialogOpened(dialog);
    // showModal focuses the first focusable, which is the sentinel: go to the element the
    // dialog asks for (data-autofocus), else to the first control.
    const wanted = dialog.querySelector<HTMLElement>('[data-autofocus]');
    if (wanted) wanted.focus();
    else if (
      !dialog.contains(document.activeElement) ||
      document.activeElement?.hasAttribute('data-focus-sentinel')
    )
      focusEdge(dialog, 'first');
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    // Chromium closes a dialog on a second Esc without a cancel event; follow it.
    const onNativeClose = () => onCloseRef.current();
    dialog.addEventListener('cancel', onCancel);
    dialog.addEventListener('close', onNativeClose);
    return () => {
      dialogClosed(dialog);
      dialog.removeEventListener('cancel', onCancel);
      dialog.removeEventListener('close', onNativeClose);
      if (dialog.open) dialog.close();
      previous?.focus?.();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={full ? 'dialog dialog-full' : wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      data-testid={testId}
    >
      <span
        tabIndex={0}
        data-focus-sentinel=""
        onFocus={() => !opening.current && ref.current && focusEdge(ref.current, 'last')}
      />
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('common.close')}>
          ×
        </button>
      </header>
      <div className="dialog-body">{children}</div>
      {footer && <footer className="dialog-footer">{footer}</footer>}
      <span
        tabIndex={0}
        data-focus-sentinel=""
        onFocus={() => ref.current && focusEdge(ref.current, 'first')}
      />
    </dialog>
  );
}

interface ConfirmProps {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ title, message, confirmLabel, danger, onConfirm, onCancel }: ConfirmProps) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      testId="confirm-dialog"
      footer={
        <CancelOrConfirm
          onCancel={onCancel}
          label={confirmLabel}
          onConfirm={onConfirm}
          danger={danger}
          focusCancel
        />
      }
    >
      <div className="confirm-message">{message}</div>
    </Dialog>
  );
}

/** The stems of the texts that end in `suffix` (`batch.cancelAll` of `batch.cancelAllTitle`). */
type Stems<Suffix extends string> = {
  [K in MessageKey]: K extends `${infer Stem}${Suffix}` ? Stem : never;
}[MessageKey];

/** A yes/no question's texts: `${stem}Title` and `${stem}Message`, and maybe `${stem}Confirm`. */
type QuestionKey = Stems<'Title'> & Stems<'Message'>;
type AnsweredQuestionKey = QuestionKey & Stems<'Confirm'>;

/**
 * A yes/no question told by its texts' stem: the title `${question}Title`, the message
 * `${question}Message` (with `vars`), and the answer `${question}Confirm` or `confirmLabel`.
 */
export function QuestionDialog({
  question,
  vars,
  confirmLabel,
  ...answers
}: Omit<ConfirmProps, 'title' | 'message' | 'confirmLabel'> & { vars?: Vars } & (
    | { question: AnsweredQuestionKey; confirmLabel?: undefined }
    | { question: QuestionKey; confirmLabel: string }
  )) {
  const { t } = useI18n();
  return (
    <ConfirmDialog
      title={t(`${question}Title`)}
      message={t(`${question}Message`, vars)}
      // Without a label the type says the question has its own answer text.
      confirmLabel={confirmLabel ?? t(`${question as AnsweredQuestionKey}Confirm`)}
      {...answers}
    />
  );
}

/** A dialog's footer: Cancel, then the one thing the dialog asks for (danger in red). */
export function CancelOrConfirm({
  onCancel,
  label,
  onConfirm,
  disabled,
  danger,
  focusCancel,
}: {
  onCancel: () => void;
  label: string;
  onConfirm: () => void;
  disabled?: boolean;
  danger?: boolean;
  /** Cancel takes the focus when the dialog opens (a confirmation: the safe answer first). */
  focusCancel?: boolean;
}) {
  const { t } = useI18n();
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={onCancel}
        data-autofocus={focusCancel ? '' : undefined}
      >
        {t('common.cancel')}
      </button>
      <button
        type="button"
        className={danger ? 'button button-danger' : 'button button-primary'}
        disabled={disabled}
        onClick={onConfirm}
      >
        {label}
      </button>
    </>
  );
}
