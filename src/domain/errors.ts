// The one list of error codes that cross the boundary, each with one precise message (DOMAIN.md §3).
// Messages are static; details (slot, tries left…) travel as separate fields, never inside the text.

export const ERROR_CODES = [
  'PIN_FORMAT',
  'PIN_INCORRECT',
  'PIN_LOCKED',
  'PIN_WEAK',
  'PIN_SLOT_ABSENT',
  'CARD_REJECTED',
  'CARD_SUSPENDED',
  'CARD_REVOKED',
  'CARD_EXPIRED',
  'CERT_EXPIRED',
  'CERT_REVOKED',
  'CERT_SUSPENDED',
  'RISK_HOLD',
  'SOURCE_BLOCKED',
  'SERVICE_BUSY',
  'SERVICE_UNAVAILABLE',
  'INVALID_REQUEST',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'HEADERS_TOO_LARGE',
  'INVALID_MY_NUMBER',
  'INVALID_MUNICIPALITY',
  'DUPLICATE_MY_NUMBER',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'INTERNAL',
  'STAFF_LOGIN_FAILED',
  'STAFF_LOCKED',
  'MAINTENANCE_DAY',
  'PROCEDURE_INVALID_TRANSITION',
  'DOCUMENTS_MISSING',
  'LETTER_CODE_INVALID',
  'DEADLINE_PASSED',
  'PIN_PAD_EXPIRED',
  'PIN_PAD_REQUIRED',
  'POLICY_INVALID',
  'CLIENT_REPORT_RATE_LIMITED',
  'LAST_TRY_CONFIRMATION_REQUIRED',
  'KIOSK_RESET_NOT_RESERVED',
  'KIOSK_RESET_EXPIRED',
  'KIOSK_RESET_USED',
  'KIOSK_RESET_CERT_INVALID',
  'KIOSK_RESET_BOTH_LOCKED',
  'KIOSK_RESET_FACE_MISMATCH',
  'KIOSK_OUTSIDE_HOURS',
  'MASS_JOB_FINISHED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorMessage = Readonly<{ ja: string; en: string }>;

// The seed story: expiry, revocation and load errors were all shown as "locked". Every message that
// could be mistaken for a lock says that it is not one (DOMAIN.md §3).
export const ERROR_MESSAGES: Readonly<Record<ErrorCode, ErrorMessage>> = Object.freeze({
  PIN_FORMAT: {
    ja: '暗証番号の形式が正しくありません。利用者証明用・券面事項入力補助用・住民基本台帳用は数字4桁、署名用は英数字6〜16文字です。今回の入力は照合していないため、残りの入力回数は減っていません。',
    en: 'The PIN is not in the right format: 4 digits for the user-authentication, text-input-assist and resident-register PINs, 6 to 16 letters and digits for the signing password. It was not checked, so no try was used.',
  },
  PIN_INCORRECT: {
    ja: '暗証番号が違います。残りの入力回数をご確認のうえ、もう一度入力してください。残りの回数が0になると暗証番号はロックされます。',
    en: 'The PIN is incorrect. Please check how many tries are left before trying again; when none are left, the PIN is locked.',
  },
  PIN_LOCKED: {
    ja: '暗証番号がロックされています。正しい暗証番号を入力しても解除されません。お住まいの市区町村の窓口で暗証番号を再設定してください。再設定に手数料はかかりません。',
    en: 'This PIN is locked. Entering the right PIN will not unlock it. Please have it reset at your municipal office counter; resetting is free.',
  },
  PIN_WEAK: {
    ja: 'この暗証番号は推測されやすいため設定できません。同じ数字の繰り返し、連続した数字、生年月日、個人番号の一部、よく使われる番号を避けて、別の暗証番号を指定してください。',
    en: 'This PIN is too easy to guess and cannot be set. Please choose another one, avoiding repeated or consecutive digits, your birth date, parts of your My Number and commonly used PINs.',
  },
  PIN_SLOT_ABSENT: {
    ja: 'このカードには、この種類の暗証番号が設定されていません(署名用電子証明書が搭載されていない場合など)。必要な場合は、お住まいの市区町村の窓口にご相談ください。',
    en: 'This card has no PIN of this kind (for example, when no signing certificate is on the card). If you need one, please ask at your municipal office counter.',
  },
  CARD_REJECTED: {
    ja: 'カードを確認できませんでした。入力内容をご確認のうえ、もう一度お試しください。解決しない場合は、お住まいの市区町村の窓口にお問い合わせください。',
    en: 'The card could not be verified. Please check what you entered and try again. If this keeps happening, please contact your municipal office.',
  },
  CARD_SUSPENDED: {
    ja: 'このカードは一時停止されています。暗証番号のロックではありません。紛失の届出をしたカードが見つかった場合は、お住まいの市区町村の窓口で一時停止の解除を申請してください。',
    en: 'This card is suspended. This is not a PIN lock. If you reported the card lost and have found it, please ask your municipal office counter to lift the suspension.',
  },
  CARD_REVOKED: {
    ja: 'このカードは廃止されているため、ご利用いただけません。暗証番号のロックではありません。再交付については、お住まいの市区町村の窓口にお問い合わせください。',
    en: 'This card has been cancelled and can no longer be used. This is not a PIN lock. Please contact your municipal office about a new card.',
  },
  CARD_EXPIRED: {
    ja: 'カードの有効期限が切れています。暗証番号のロックではありません。お住まいの市区町村の窓口でカードの更新手続きをしてください。',
    en: 'The card has expired. This is not a PIN lock. Please renew the card at your municipal office counter.',
  },
  CERT_EXPIRED: {
    ja: '電子証明書の有効期限が切れています。暗証番号のロックではありません。お住まいの市区町村の窓口で電子証明書の更新手続きをしてください。更新に手数料はかかりません。',
    en: 'The electronic certificate has expired. This is not a PIN lock. Please renew the certificate at your municipal office counter; renewal is free.',
  },
  CERT_REVOKED: {
    ja: '電子証明書が失効しています。暗証番号のロックではありません。署名用電子証明書は、転居などで氏名・住所・生年月日・性別が変わると失効します。お住まいの市区町村の窓口で新しい電子証明書の発行を申請してください。',
    en: 'The electronic certificate has been revoked. This is not a PIN lock. A signing certificate is revoked when your name, address, birth date or sex changes, for example when you move. Please apply for a new certificate at your municipal office counter.',
  },
  CERT_SUSPENDED: {
    ja: '電子証明書が一時保留されています。暗証番号のロックではありません。紛失の届出をしたカードが見つかった場合は、お住まいの市区町村の窓口で一時保留の解除を申請してください。',
    en: 'The electronic certificate is suspended. This is not a PIN lock. If you reported the card lost and have found it, please ask your municipal office counter to lift the suspension.',
  },
  RISK_HOLD: {
    ja: 'いつもと異なる使われ方（複数の接続元やサービスからの暗証番号の誤りなど）が見つかったため、セキュリティ上の理由で、このカードのオンラインでの利用を一時的に保留しています。カードや暗証番号のロックではありません。今回の入力は照合していないため、残りの入力回数は減っていません。ご本人がカードと利用者証明用の暗証番号でログインし、ご自身の操作であったことを確認すると解除されます。お住まいの市区町村の窓口でも解除できます。',
    en: 'Online use of this card is on a temporary security hold, because it was used in an unusual way (wrong PINs from several sources or services, say). Your card and PINs are not locked, and your entry was not checked, so no try was used. It is released when you sign in with your card and authentication PIN and confirm the entries were yours, or at your municipal office counter.',
  },
  SOURCE_BLOCKED: {
    ja: 'この接続元（ネットワークまたは端末）からは、多くのカードで暗証番号の誤りが続いたため、暗証番号の入力を一時的に受け付けていません。カードや暗証番号のロックではありません。今回の入力は照合していないため、残りの入力回数は減っていません。時間をおいてから、別の接続元（ご自宅のネットワークなど）でお試しください。',
    en: 'Entries from this source (network or terminal) are temporarily not accepted, because wrong PINs were entered on many cards from it. This is not a card or PIN lock. Your entry was not checked, so no try was used. Please try again later, or from another connection (your home network, say).',
  },
  SERVICE_BUSY: {
    ja: 'ただいまシステムが混み合っているため、処理できませんでした。こちら側の問題であり、暗証番号のロックではありません。しばらく時間をおいてから、もう一度お試しください。',
    en: 'Our system is busy and could not handle your request. This is our problem, not a PIN lock. Please try again in a little while.',
  },
  SERVICE_UNAVAILABLE: {
    ja: 'ただいまシステムを一時的にご利用いただけません。こちら側の問題であり、暗証番号のロックではありません。入力は受け付けていません。しばらく時間をおいてから、もう一度お試しください。',
    en: 'Our system is temporarily unavailable. This is our problem, not a PIN lock, and nothing was accepted. Please try again in a little while.',
  },
  INVALID_REQUEST: {
    ja: '入力内容に誤りがあります。内容をご確認のうえ、もう一度お試しください。',
    en: 'Something in the request is not valid. Please check it and try again.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    ja: '送信された内容の形式に対応していません。JSON 形式（Content-Type: application/json）で送信してください。',
    en: 'The request body is not in a supported format. Send it as JSON (Content-Type: application/json).',
  },
  PAYLOAD_TOO_LARGE: {
    ja: '送信された内容が大きすぎるため、受け付けられませんでした。内容を確認してください。',
    en: 'The request body is too large and was not accepted. Please check what is being sent.',
  },
  HEADERS_TOO_LARGE: {
    ja: '送信されたヘッダーが大きすぎるため、受け付けられませんでした。',
    en: 'The request headers are too large and were not accepted.',
  },
  INVALID_MY_NUMBER: {
    ja: '個人番号(マイナンバー)が正しくありません。12桁の数字をご確認ください。',
    en: 'The My Number is not valid. Please check the 12 digits.',
  },
  INVALID_MUNICIPALITY: {
    ja: '市区町村コードが正しくありません。6桁の全国地方公共団体コードをご確認ください。',
    en: 'The municipality code is not valid. Please check the 6-digit local government code.',
  },
  DUPLICATE_MY_NUMBER: {
    ja: '入力された個人番号は既に登録されています。登録内容をご確認ください。',
    en: 'This My Number is already registered. Please check the existing record.',
  },
  NOT_FOUND: {
    ja: 'お探しの情報が見つかりませんでした。入力内容をご確認ください。',
    en: 'What you asked for was not found. Please check what you entered.',
  },
  UNAUTHENTICATED: {
    ja: 'ログインが必要です。もう一度ログインしてください。',
    en: 'You need to sign in. Please sign in again.',
  },
  FORBIDDEN: {
    ja: 'この操作を行う権限がありません。',
    en: 'You are not allowed to do this.',
  },
  CONFLICT: {
    ja: '別の操作と重なったため、処理できませんでした。最新の状態をご確認のうえ、もう一度お試しください。',
    en: 'This clashed with another change and was not done. Please check the current state and try again.',
  },
  INTERNAL: {
    ja: '申し訳ありません。システム内部でエラーが発生しました。こちら側の問題であり、暗証番号のロックではありません。しばらくしてから、もう一度お試しください。',
    en: 'Sorry, something went wrong on our side. This is our problem, not a PIN lock. Please try again later.',
  },
  STAFF_LOGIN_FAILED: {
    ja: 'ログインできませんでした。ログインID、パスワード、確認コード（TOTP）を確認してください。',
    en: 'Sign-in failed. Check your login ID, password and one-time code (TOTP).',
  },
  STAFF_LOCKED: {
    ja: 'ログインの失敗が続いたため、このアカウントは一時的にロックされています。しばらく待つか、管理者に連絡してください。',
    en: 'This account is temporarily locked after repeated failed sign-ins. Wait, or contact your administrator.',
  },
  MAINTENANCE_DAY: {
    ja: '本日は全国一斉のシステムメンテナンス日（第3土曜日の翌日の日曜日）のため、カードの手続はできません。',
    en: 'Today is the national maintenance day (the Sunday after the third Saturday): no card procedures can be done.',
  },
  PROCEDURE_INVALID_TRANSITION: {
    ja: 'この手続の現在の段階では、その操作はできません。手続の状態を確認してください。',
    en: 'That step is not possible at the procedure\'s current stage. Check the procedure\'s state.',
  },
  DOCUMENTS_MISSING: {
    ja: 'この市区町村の基準を満たす本人確認書類がそろっていません。不足している書類を確認してください。',
    en: 'The identity documents do not meet this municipality\'s requirements. See what is missing.',
  },
  LETTER_CODE_INVALID: {
    ja: '照合コードが一致しません。回答書に記載されたコードを確認してください。',
    en: 'The one-time code does not match. Check the code printed on the answer form.',
  },
  DEADLINE_PASSED: {
    ja: '回答期限を過ぎています。最初から手続をやり直してください。',
    en: 'The answer deadline has passed. The procedure must be started again.',
  },
  PIN_PAD_EXPIRED: {
    ja: 'この暗証番号入力画面は使用済みか、有効期限が切れたか、弱い暗証番号が続いたため閉じられました。窓口職員にお知らせください（新しい入力画面を開けます）。',
    en: 'This PIN entry screen has been used, has expired, or was closed after too many weak PINs. Please tell the counter staff (they can open a new one).',
  },
  PIN_PAD_REQUIRED: {
    ja: '職員が暗証番号を入力・設定することはできません。新しい暗証番号は、お客様用の暗証番号入力画面で、ご本人（照会書兼回答書による手続では、回答書に記入された暗証番号を代理人）が入力します。',
    en: 'Staff cannot enter or set a PIN. The new PINs are typed on the customer PIN pad by the holder (on the inquiry-letter path, by the proxy, from the sealed answer).',
  },
  POLICY_INVALID: {
    ja: '手続方針の内容に誤りがあります。指摘された項目を修正してください。',
    en: 'The municipal policy is not valid. Correct the items listed.',
  },
  CLIENT_REPORT_RATE_LIMITED: {
    ja: 'クライアントからの報告が多すぎるため、しばらく受け付けません。時間をおいてから送ってください。カードや暗証番号には何も影響しません。',
    en: 'Too many client reports were sent; no more are accepted for a while. Please send later. Nothing about the card or its PINs is affected.',
  },
  LAST_TRY_CONFIRMATION_REQUIRED: {
    ja: 'この暗証番号は、あと1回間違えるとロックされます。今回の入力は照合していないため、残りの入力回数は減っていません。入力に自信がある場合だけ、確認のうえもう一度入力してください。',
    en: 'One more wrong entry will lock this PIN. This entry was not checked, so no try was used. Enter it again, confirming that you want to use the last try, only if you are sure of it.',
  },
  KIOSK_RESET_NOT_RESERVED: {
    ja: 'このカードには暗証番号の初期化(リセット)の予約がありません。先にマイナポータル(スマートフォン)で予約してください。暗証番号は照合していないため、残りの入力回数は減っていません。',
    en: 'There is no PIN reset reservation for this card. Reserve one in Mynaportal (on your phone) first. No PIN was checked, so no try was used.',
  },
  KIOSK_RESET_EXPIRED: {
    ja: '暗証番号の初期化(リセット)の予約は、予約から24時間の有効期限を過ぎています。もう一度予約してください。残りの入力回数は減っていません。',
    en: 'The PIN reset reservation has passed its 24 hours. Please reserve again. No try was used.',
  },
  KIOSK_RESET_USED: {
    ja: 'この暗証番号の初期化(リセット)の予約は使用済みです。もう一度初期化する場合は、新しく予約してください。',
    en: 'This PIN reset reservation has already been used. To reset again, make a new reservation.',
  },
  KIOSK_RESET_CERT_INVALID: {
    ja: '電子証明書が有効でない(有効期限切れ・失効・一時保留)ため、コンビニ等での暗証番号の初期化はできません。暗証番号のロックではありません。お住まいの市区町村の窓口で手続してください。',
    en: 'A certificate is not valid (expired, revoked or suspended), so the PIN cannot be reset at a kiosk. This is not a PIN lock. Please go to your municipal office counter.',
  },
  KIOSK_RESET_BOTH_LOCKED: {
    ja: '署名用と利用者証明用の両方の暗証番号がロックされているため、コンビニ等での初期化はできません。お住まいの市区町村の窓口で再設定してください(無料)。',
    en: 'Both the signing and the user-authentication PINs are locked, so neither can be reset at a kiosk. Please have them reset at your municipal office counter (free).',
  },
  KIOSK_RESET_FACE_MISMATCH: {
    ja: '顔認証でご本人であることを確認できなかったため、予約できません。もう一度お試しいただくか、お住まいの市区町村の窓口で再設定してください。残りの入力回数は減っていません。',
    en: 'The face match could not confirm that you are the card holder, so the reservation was not made. Please try again, or have the PIN reset at your municipal office counter. No try was used.',
  },
  KIOSK_OUTSIDE_HOURS: {
    ja: 'コンビニ等の端末での暗証番号の初期化は、6時30分から23時00分(日本時間)の間だけご利用いただけます。カードや暗証番号のロックではありません。',
    en: 'Resetting a PIN at a kiosk is available only from 6:30 to 23:00 Japan time. Your card and PINs are not locked.',
  },
  MASS_JOB_FINISHED: {
    ja: 'このジョブはすでに終了しているため、中止できません。一覧で結果をご確認ください。変更されたカードを元に戻すには、「一時停止の解除」のジョブを作成してください。',
    en: 'This job has already ended, so it cannot be cancelled. See its result in the list. To undo the cards it changed, start a restore job.',
  },
});

/** An error that maps to one ErrorCode; `message` is for logs only and defaults to the English text. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details: Readonly<Record<string, unknown>> = {},
    message?: string,
  ) {
    super(message ?? ERROR_MESSAGES[code].en);
    this.name = 'AppError';
  }
}
