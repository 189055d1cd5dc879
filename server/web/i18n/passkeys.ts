import type { Messages } from "./index.js";

/**
 * The passkey screens' words (#17): claim with this phone, the account page, the owner's actions on
 * the piece page and the passkey proof. Kept apart from en.ts / fr.ts so they read (and merge) on
 * their own. `client` goes to the browser scripts; `{name}` placeholders are filled there.
 */
export interface PasskeyMessages {
  claimHeading: string;
  claimButton: string;
  claimHeldButton: string;
  claimHelp: string;
  walletHeading: string;
  accountLink: string;
  account: {
    title: string;
    intro: string;
    noJs: string;
    createButton: string;
    findButton: string;
    findHelp: string;
    addressHeading: string;
    addressHelp: string;
    qrAlt: string;
    copyAddress: string;
    piecesHeading: string;
    piecesNone: string;
    deviceHeading: string;
    deviceHelp: string;
    deviceQrAlt: string;
    joinHeading: string;
    joinIntro: string;
    joinButton: string;
    joinShowHelp: string;
    joinQrAlt: string;
    addHeading: string;
    addIntro: string;
    addButton: string;
    recoveryHeading: string;
    recoveryHelp: string;
    recovererLabel: string;
    recovererHint: string;
    delayLabel: string;
    delayDays: string;
    recoveryButton: string;
    cancelRecoveryHelp: string;
    cancelRecoveryButton: string;
    whoHeading: string;
    who: string[];
  };
  owner: {
    heading: string;
    intro: string;
    transferHeading: string;
    transferLabel: string;
    transferHint: string;
    transferButton: string;
    stolenHeading: string;
    stolenHelp: string;
    stolenButton: string;
    stolenConfirm: string;
    stolenConfirmButton: string;
    stolenCancelButton: string;
    receiveHelp: string;
  };
  proveButton: string;
  client: Record<string, string>;
}

const en: PasskeyMessages = {
  claimHeading: "Claim with this phone",
  claimButton: "Claim with this phone",
  claimHeldButton: "Claim to this phone's account",
  claimHelp:
    "Your phone creates a passkey, unlocked by your face, fingerprint or screen lock, and the certificate goes to the account it owns. No wallet, no address to type. Only your passkeys can move it: not the brand, not Hallmark.",
  walletHeading: "Or with a wallet",
  accountLink: "Your phone's account",
  account: {
    title: "Your phone's account",
    intro:
      "This phone's passkey owns an account that holds your certificates. Nobody else has its key: not the brand, not Hallmark. The brand pays the fees of what you do with it.",
    noJs: "Your account needs JavaScript and a browser that supports passkeys.",
    createButton: "Create an account with this phone",
    findButton: "Find my account",
    findHelp: "Already made one on this site with a passkey synced to this phone? Find it with the passkey.",
    addressHeading: "Your account address",
    addressHelp:
      "To receive a piece, show the seller this address or let them scan the code: it is public and safe to share.",
    qrAlt: "QR code of your account address",
    copyAddress: "Copy the address",
    piecesHeading: "Your pieces",
    piecesNone: "No certificate belongs to this account yet.",
    deviceHeading: "Add another device",
    deviceHelp:
      "Scan this code with your other phone or tablet, create a passkey there, then scan the code it shows with this phone. Either device can then act for the account.",
    deviceQrAlt: "QR code of the link that adds another device to your account",
    joinHeading: "Add this device to your account",
    joinIntro: "This device will act for account {account}. Create a passkey on it first.",
    joinButton: "Create a passkey on this device",
    joinShowHelp:
      "Now scan this code with the phone that already holds the account (or open the link on it), and confirm there.",
    joinQrAlt: "QR code of the link that confirms this device on your first phone",
    addHeading: "Add a device to your account",
    addIntro:
      "A new device asks to act for your account {account}, with the passkey {key}. Add it only if it is yours.",
    addButton: "Add this device",
    recoveryHeading: "If you lose every device",
    recoveryHelp:
      "Choose in advance who can give your account a new passkey: an address you trust (a relative, your own wallet) or the brand as guardian. They can only start a recovery; it takes effect after the delay, and any of your passkeys can cancel it meanwhile.",
    recovererLabel: "Recovery address (0x…)",
    recovererHint: "Leave empty and save to turn recovery off.",
    delayLabel: "Delay before a recovery takes effect",
    delayDays: "{days} days",
    recoveryButton: "Save the recovery",
    cancelRecoveryHelp: "Someone started a recovery you did not ask for? Cancel it from here.",
    cancelRecoveryButton: "Cancel a recovery in progress",
    whoHeading: "Who can do what",
    who: [
      "Any of your passkeys: move a piece, report it stolen, add or remove a device, set up or cancel a recovery. The brand pays the fees.",
      "Your recovery address (or the brand, if you chose it): start a recovery that replaces your passkeys, effective only after the delay.",
      "Anyone: complete a recovery once the delay has passed without you cancelling it.",
      "Nobody else, not the brand, not Hallmark, not the recovery address, can sign for your account.",
    ],
  },
  owner: {
    heading: "This piece is yours",
    intro: "It belongs to this phone's account ({account}). What you do here is confirmed with your passkey.",
    transferHeading: "Transfer it to the buyer",
    transferLabel: "Buyer's account address (0x…)",
    transferHint:
      "The buyer opens “Your phone's account” on Hallmark on their own phone and shows you its address. A wallet address works too.",
    transferButton: "Transfer",
    stolenHeading: "Report it stolen",
    stolenHelp:
      "Anyone who checks the piece will see it is stolen, and it cannot change hands. The brand can restore it.",
    stolenButton: "Report stolen",
    stolenConfirm: "Report this piece stolen? Confirm with your passkey.",
    stolenConfirmButton: "Yes, report it stolen",
    stolenCancelButton: "Cancel",
    receiveHelp: "To receive it without a wallet, open your phone's account and show the seller its address:",
  },
  proveButton: "Prove with this phone's passkey",
  client: {
    unsupported: "This browser cannot use passkeys. Use a wallet instead, or another browser.",
    cancelled: "You cancelled the passkey.",
    creating: "Creating a passkey on this phone…",
    finding: "Choose your passkey…",
    created: "Passkey ready. Your account: {account}.",
    noAccount: "This phone holds no account yet.",
    heldAccount: "This phone's account: {account}",
    confirmPasskey: "Confirm with your passkey (face, fingerprint or screen lock)…",
    preparing: "Preparing…",
    sending: "Sending (the brand pays the fee)…",
    done: "Done. Transaction {tx}, block {block}.",
    submitted: "Sent (transaction {tx}). Waiting for the chain to include it…",
    failedOnChain: "The transaction was sent but failed on the chain ({tx}).",
    refused: "Refused: {message}",
    badAddress: "Enter a valid address (0x followed by 40 hexadecimal digits).",
    selfTransfer: "That is this phone's own account: enter the buyer's.",
    transferredTitle: "Transferred to the buyer",
    transferred: "Done. The piece now belongs to {account} (transaction {tx}, block {block}).",
    reportedStolen: "Done. The piece is reported stolen (transaction {tx}, block {block}).",
    deviceAdded: "Done. The device is added (transaction {tx}, block {block}).",
    recoverySet: "Done. Recovery saved (transaction {tx}, block {block}).",
    recoveryOff: "Done. Recovery turned off (transaction {tx}, block {block}).",
    recoveryCancelled: "Done. No recovery is pending any more (transaction {tx}, block {block}).",
    joined: "Passkey created. Now confirm it on your other phone.",
    copied: "Copied",
    proveWorking: "Confirm with your passkey…",
    proveDone: "✓ Done: your account {account} proved it owns this certificate. Show the buyer their screen.",
    proveNotOwner: "Not verified: this phone's account does not own this certificate. The owner is {owner}.",
  },
};

const fr: PasskeyMessages = {
  claimHeading: "Enregistrer avec ce téléphone",
  claimButton: "Enregistrer avec ce téléphone",
  claimHeldButton: "Enregistrer sur le compte de ce téléphone",
  claimHelp:
    "Votre téléphone crée une clé d'accès, déverrouillée par votre visage, votre empreinte ou le verrouillage de l'écran, et le certificat va au compte qu'elle possède. Ni portefeuille, ni adresse à taper. Seules vos clés d'accès peuvent le déplacer : ni la marque, ni Hallmark.",
  walletHeading: "Ou avec un portefeuille",
  accountLink: "Le compte de votre téléphone",
  account: {
    title: "Le compte de votre téléphone",
    intro:
      "La clé d'accès de ce téléphone possède un compte qui détient vos certificats. Personne d'autre n'en a la clé : ni la marque, ni Hallmark. La marque paie les frais de ce que vous en faites.",
    noJs: "Votre compte nécessite JavaScript et un navigateur qui prend en charge les clés d'accès.",
    createButton: "Créer un compte avec ce téléphone",
    findButton: "Retrouver mon compte",
    findHelp:
      "Vous en avez déjà créé un sur ce site avec une clé d'accès synchronisée sur ce téléphone ? Retrouvez-le avec la clé.",
    addressHeading: "L'adresse de votre compte",
    addressHelp:
      "Pour recevoir une pièce, montrez cette adresse au vendeur ou laissez-le scanner le code : elle est publique, vous pouvez la partager.",
    qrAlt: "QR code de l'adresse de votre compte",
    copyAddress: "Copier l'adresse",
    piecesHeading: "Vos pièces",
    piecesNone: "Aucun certificat n'appartient encore à ce compte.",
    deviceHeading: "Ajouter un autre appareil",
    deviceHelp:
      "Scannez ce code avec votre autre téléphone ou tablette, créez-y une clé d'accès, puis scannez avec ce téléphone le code qu'il affiche. Chacun des deux appareils pourra alors agir pour le compte.",
    deviceQrAlt: "QR code du lien qui ajoute un autre appareil à votre compte",
    joinHeading: "Ajouter cet appareil à votre compte",
    joinIntro: "Cet appareil agira pour le compte {account}. Créez-y d'abord une clé d'accès.",
    joinButton: "Créer une clé d'accès sur cet appareil",
    joinShowHelp:
      "Scannez maintenant ce code avec le téléphone qui détient déjà le compte (ou ouvrez-y le lien), et confirmez sur celui-ci.",
    joinQrAlt: "QR code du lien qui confirme cet appareil sur votre premier téléphone",
    addHeading: "Ajouter un appareil à votre compte",
    addIntro:
      "Un nouvel appareil demande à agir pour votre compte {account}, avec la clé d'accès {key}. Ne l'ajoutez que s'il est à vous.",
    addButton: "Ajouter cet appareil",
    recoveryHeading: "Si vous perdez tous vos appareils",
    recoveryHelp:
      "Choisissez à l'avance qui pourra donner une nouvelle clé d'accès à votre compte : une adresse de confiance (un proche, votre propre portefeuille) ou la marque comme garante. Elle peut seulement lancer une récupération, effective après le délai ; entre-temps, n'importe laquelle de vos clés d'accès peut l'annuler.",
    recovererLabel: "Adresse de récupération (0x…)",
    recovererHint: "Laissez vide et enregistrez pour désactiver la récupération.",
    delayLabel: "Délai avant qu'une récupération prenne effet",
    delayDays: "{days} jours",
    recoveryButton: "Enregistrer la récupération",
    cancelRecoveryHelp: "Quelqu'un a lancé une récupération que vous n'avez pas demandée ? Annulez-la ici.",
    cancelRecoveryButton: "Annuler une récupération en cours",
    whoHeading: "Qui peut faire quoi",
    who: [
      "Chacune de vos clés d'accès : déplacer une pièce, la déclarer volée, ajouter ou retirer un appareil, configurer ou annuler une récupération. La marque paie les frais.",
      "Votre adresse de récupération (ou la marque, si vous l'avez choisie) : lancer une récupération qui remplace vos clés d'accès, effective seulement après le délai.",
      "N'importe qui : achever une récupération une fois le délai passé sans que vous l'ayez annulée.",
      "Personne d'autre, ni la marque, ni Hallmark, ni l'adresse de récupération, ne peut signer pour votre compte.",
    ],
  },
  owner: {
    heading: "Cette pièce est à vous",
    intro:
      "Elle appartient au compte de ce téléphone ({account}). Ce que vous faites ici se confirme avec votre clé d'accès.",
    transferHeading: "La transférer à l'acheteur",
    transferLabel: "Adresse du compte de l'acheteur (0x…)",
    transferHint:
      "L'acheteur ouvre « Le compte de votre téléphone » sur Hallmark, sur son propre téléphone, et vous montre son adresse. Une adresse de portefeuille convient aussi.",
    transferButton: "Transférer",
    stolenHeading: "La déclarer volée",
    stolenHelp:
      "Quiconque vérifie la pièce verra qu'elle est volée, et elle ne pourra plus changer de mains. La marque peut la rétablir.",
    stolenButton: "Déclarer volée",
    stolenConfirm: "Déclarer cette pièce volée ? Confirmez avec votre clé d'accès.",
    stolenConfirmButton: "Oui, la déclarer volée",
    stolenCancelButton: "Annuler",
    receiveHelp:
      "Pour la recevoir sans portefeuille, ouvrez le compte de votre téléphone et montrez son adresse au vendeur :",
  },
  proveButton: "Prouver avec la clé d'accès de ce téléphone",
  client: {
    unsupported:
      "Ce navigateur ne peut pas utiliser de clés d'accès. Utilisez un portefeuille, ou un autre navigateur.",
    cancelled: "Vous avez annulé la clé d'accès.",
    creating: "Création d'une clé d'accès sur ce téléphone…",
    finding: "Choisissez votre clé d'accès…",
    created: "Clé d'accès prête. Votre compte : {account}.",
    noAccount: "Ce téléphone ne détient encore aucun compte.",
    heldAccount: "Compte de ce téléphone : {account}",
    confirmPasskey: "Confirmez avec votre clé d'accès (visage, empreinte ou verrouillage de l'écran)…",
    preparing: "Préparation…",
    sending: "Envoi (la marque paie les frais)…",
    done: "C'est fait. Transaction {tx}, bloc {block}.",
    submitted: "Envoyée (transaction {tx}). En attente de son inclusion dans la chaîne…",
    failedOnChain: "La transaction a été envoyée mais a échoué sur la chaîne ({tx}).",
    refused: "Refusé : {message}",
    badAddress: "Saisissez une adresse valide (0x suivi de 40 chiffres hexadécimaux).",
    selfTransfer: "C'est le compte de ce téléphone : saisissez celui de l'acheteur.",
    transferredTitle: "Transférée à l'acheteur",
    transferred: "C'est fait. La pièce appartient désormais à {account} (transaction {tx}, bloc {block}).",
    reportedStolen: "C'est fait. La pièce est déclarée volée (transaction {tx}, bloc {block}).",
    deviceAdded: "C'est fait. L'appareil est ajouté (transaction {tx}, bloc {block}).",
    recoverySet: "C'est fait. Récupération enregistrée (transaction {tx}, bloc {block}).",
    recoveryOff: "C'est fait. Récupération désactivée (transaction {tx}, bloc {block}).",
    recoveryCancelled:
      "C'est fait. Plus aucune récupération n'est en cours (transaction {tx}, bloc {block}).",
    joined: "Clé d'accès créée. Confirmez-la maintenant sur votre autre téléphone.",
    copied: "Copiée",
    proveWorking: "Confirmez avec votre clé d'accès…",
    proveDone:
      "✓ C'est fait : votre compte {account} a prouvé qu'il détient ce certificat. Montrez son écran à l'acheteur.",
    proveNotOwner:
      "Non vérifié : le compte de ce téléphone ne détient pas ce certificat. Le propriétaire est {owner}.",
  },
};

const PASSKEY_MESSAGES: Readonly<Record<string, PasskeyMessages>> = { en, fr };

export function passkeyMessagesFor(t: Messages): PasskeyMessages {
  return Object.hasOwn(PASSKEY_MESSAGES, t.lang) ? PASSKEY_MESSAGES[t.lang] : en;
}
