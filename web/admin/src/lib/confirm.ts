// Confirmation and prompt boxes with the buttons in the user's language (ElMessageBox is created
// outside the component tree, so it does not see the ElConfigProvider locale).
import { ElMessageBox, type ElMessageBoxOptions } from 'element-plus';
import { i18n } from '../i18n';

const buttons = () => ({
  confirmButtonText: i18n.global.t('common.confirm'),
  cancelButtonText: i18n.global.t('common.cancel'),
});

/** Resolves when confirmed; rejects with 'cancel' / 'close' otherwise (showError ignores those). */
export function confirmAction(message: string, title: string, options: ElMessageBoxOptions = {}) {
  return ElMessageBox.confirm(message, title, { type: 'warning', ...buttons(), ...options });
}

export function promptValue(message: string, title: string, options: ElMessageBoxOptions = {}) {
  return ElMessageBox.prompt(message, title, { ...buttons(), ...options });
}
