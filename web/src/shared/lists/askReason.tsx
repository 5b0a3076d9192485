/**
 * Asks for a reason in a dialog (one reason for a batch: approve these requests, suspend these
 * licenses); resolves with it, or undefined when the person cancels. The OK button waits for text.
 */
import { App, Input } from 'antd';
import { useCallback } from 'react';

export interface ReasonQuestion {
  title: string;
  label: string;
  okText: string;
  cancelText: string;
  danger?: boolean;
  /** The platform's longest reason for this action (4000 unless said). */
  maxLength?: number;
}

export function useAskReason(): (question: ReasonQuestion) => Promise<string | undefined> {
  const { modal } = App.useApp();
  return useCallback(
    (question) =>
      new Promise<string | undefined>((resolve) => {
        let reason = '';
        const dialog = modal.confirm({
          title: question.title,
          icon: null,
          content: (
            <Input.TextArea
              aria-label={question.label}
              placeholder={question.label}
              rows={3}
              maxLength={question.maxLength ?? 4000}
              showCount
              onChange={(e) => {
                reason = e.target.value;
                dialog.update({ okButtonProps: { danger: question.danger, disabled: !reason.trim() } });
              }}
            />
          ),
          okText: question.okText,
          cancelText: question.cancelText,
          okButtonProps: { danger: question.danger, disabled: true },
          onOk: () => resolve(reason.trim()),
          onCancel: () => resolve(undefined),
        });
      }),
    [modal],
  );
}
