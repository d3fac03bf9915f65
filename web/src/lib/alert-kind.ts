import type { AlertMsgType } from '$shared/alert';
import { i18n } from './i18n.svelte';

/** What an alert is, in the reader's language: an alert, an update, or the all clear / withdrawal of an earlier one. */
export const alertKind = (msgType: AlertMsgType | string | undefined): string => (msgType === 'Cancel' ? i18n.t('kindCancel') : msgType === 'Update' ? i18n.t('msgUpdate') : i18n.t('alarm'));
