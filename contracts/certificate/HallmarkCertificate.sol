// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IBrandRegistry} from "../interfaces/IBrandRegistry.sol";
import {IHallmarkCertificate} from "../interfaces/IHallmarkCertificate.sol";
import {IHallmarkGarments} from "../interfaces/IHallmarkGarments.sol";
import {IERC7496} from "../interfaces/IERC7496.sol";
import {BrandGated} from "../registry/BrandGated.sol";
import {BrandRoles} from "../registry/BrandRoles.sol";
import {TagAttestedClaims} from "./TagAttestedClaims.sol";

/// @title HallmarkCertificate
/// @notice ERC-721 certificates of authenticity for the physical pieces of every brand of a group.
/// @dev Per-token storage is kept to what the contract must read: the owner (ERC-721), a status only when
/// not Active, claim and chip state only when set, successor links only when used. Serial hashes and
/// metadata digests live in events, which the verifier indexes.
contract HallmarkCertificate is
    IHallmarkCertificate,
    IERC2981,
    IERC4906,
    IERC7496,
    ERC721,
    EIP712,
    Nonces,
    ReentrancyGuardTransient,
    BrandGated,
    TagAttestedClaims
{
    using Strings for uint256;

    /// @notice Largest batch accepted by issueBatch: 500 plain items fit under a 2^24 transaction gas cap
    /// (EIP-7825); the CLI sizes batches by estimated gas below that.
    uint256 public constant MAX_BATCH = 500;
    /// @notice How many blocks back a chip may sign a block hash (blockhash() reaches 256).
    uint256 public constant CHIP_BLOCK_WINDOW = 64;
    /// @notice Highest condition grade; 0 means not graded.
    uint8 public constant MAX_CONDITION_GRADE = 10;

    bytes32 public constant CLAIM_TYPEHASH = keccak256(
        "Claim(uint256 tokenId,address recipient,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant CHIP_CLAIM_TYPEHASH = keccak256(
        "ChipClaim(uint256 tokenId,address recipient,uint256 blockNumber,bytes32 blockHash,uint256 nonce)"
    );
    bytes32 public constant PERMIT_TYPEHASH = keccak256(
        "Permit(address spender,uint256 tokenId,uint256 nonce,uint256 deadline)"
    );
    bytes32 public constant OWNERSHIP_PROOF_TYPEHASH = keccak256(
        "OwnershipProof(uint256 tokenId,address owner,bytes32 challenge)"
    );

    /// @dev ERC-6492's suffix marking a signature wrapped with its wallet's deployment.
    bytes32 private constant _ERC6492_MAGIC =
        0x6492649264926492649264926492649264926492649264926492649264926492;

    bytes32 public constant TRAIT_STATUS = "status";
    bytes32 public constant TRAIT_CHIP = "chip";
    bytes32 public constant TRAIT_SUCCESSOR = "successor";
    bytes32 public constant TRAIT_PREDECESSOR = "predecessor";
    bytes32 public constant TRAIT_TWINS_CLAIMED = "twinsClaimed";

    /// @dev ERC-7496 trait metadata (its JSON schema). Each key is the literal bytes32 trait key: ERC-7496
    /// reads a name that is not a 0x-prefixed word as keccak256(name), and our keys are the names' ASCII
    /// bytes. Status maps its enum values to names; chip (the key's address as a number), successor and
    /// predecessor are unset (null) when zero; a marketplace must see status and twinsClaimed unchanged
    /// between offer and sale.
    // solhint-disable quotes
    string private constant _TRAIT_METADATA =
        '{"traits":{'
        '"0x7374617475730000000000000000000000000000000000000000000000000000":{"displayName":"Status",'
        '"dataType":{"type":"string","valueMappings":{'
        '"0x0000000000000000000000000000000000000000000000000000000000000000":"Active",'
        '"0x0000000000000000000000000000000000000000000000000000000000000001":"Stolen",'
        '"0x0000000000000000000000000000000000000000000000000000000000000002":"Revoked"}},'
        '"validateOnSale":"requireEq"},'
        '"0x6368697000000000000000000000000000000000000000000000000000000000":{"displayName":"NFC chip key",'
        '"dataType":{"type":"decimal","signed":false,"decimals":0,"valueMappings":{'
        '"0x0000000000000000000000000000000000000000000000000000000000000000":null}}},'
        '"0x737563636573736f720000000000000000000000000000000000000000000000":{'
        '"displayName":"Successor certificate","dataType":{"type":"decimal","signed":false,"decimals":0,'
        '"valueMappings":{"0x0000000000000000000000000000000000000000000000000000000000000000":null}}},'
        '"0x7072656465636573736f72000000000000000000000000000000000000000000":{'
        '"displayName":"Predecessor certificate","dataType":{"type":"decimal","signed":false,"decimals":0,'
        '"valueMappings":{"0x0000000000000000000000000000000000000000000000000000000000000000":null}}},'
        '"0x7477696e73436c61696d65640000000000000000000000000000000000000000":{'
        '"displayName":"Digital twins claimed","dataType":{"type":"decimal","signed":false,"decimals":0},'
        '"validateOnSale":"requireEq"}}}';
    // solhint-enable quotes

    /// @dev Everything a transfer, a chip claim or a twin claim reads about a token, in one slot (256 bits):
    /// a transfer pays one cold read for the status and the claim state together, a chip claim reads and
    /// bumps its nonce in the slot it reads anyway, and recording a twin updates a slot the twin claim's
    /// status check has just warmed. `key` is the chip's key when the token has a chip (bound at mint, never
    /// changed), else the claim key: a piece with a chip or a claim code pays one fresh slot, and only one
    /// with both keeps its claim key in a second slot (`_chipPieceClaimKeys`). The nonces and the twin count
    /// are narrower than the views' types: each counts actions on one token (overflow reverts), and a token
    /// would need 16 million chip claims or claim keys, or 65,536 twins, to reach the end.
    struct PieceState {
        address key;
        uint24 chipNonce;
        uint24 claimNonce;
        Status status;
        bool hasChip;
        bool chipClaimsEnabled;
        bool hasClaimKey;
        uint16 twinsClaimed;
    }

    mapping(uint256 tokenId => PieceState) private _pieces;
    mapping(uint256 tokenId => address) private _chipPieceClaimKeys;
    mapping(uint256 tokenId => uint256) private _successor;
    mapping(uint256 tokenId => uint256) private _predecessor;
    mapping(uint32 brandId => string) private _tokenURIBase;
    address private _twinContract;
    /// @dev May link the twin contract once, so that one deployment wires itself whoever the group admin is.
    address private immutable _deployer;

    constructor(
        IBrandRegistry registry_
    ) ERC721("Hallmark Certificate", "HALLMARK") EIP712("Hallmark Certificate", "1") BrandGated(registry_) {
        _deployer = _msgSender();
    }

    // ----------------------------------------------------------------------------------------- issuance

    /// @inheritdoc IHallmarkCertificate
    function issue(
        uint32 brandId,
        address to,
        CertificateInput calldata item
    ) external nonReentrant returns (uint256 tokenId) {
        _checkBrandRole(brandId, BrandRoles.ISSUER, _msgSender());
        tokenId = _issue(brandId, to, item);
        ERC721Utils.checkOnERC721Received(_msgSender(), address(0), to, tokenId, "");
    }

    /// @inheritdoc IHallmarkCertificate
    function issueBatch(uint32 brandId, address to, CertificateInput[] calldata items) external nonReentrant {
        uint256 n = items.length;
        if (n == 0 || n > MAX_BATCH) revert HallmarkInvalidBatchSize(n, MAX_BATCH);
        _checkBrandRole(brandId, BrandRoles.ISSUER, _msgSender());
        for (uint256 i; i < n; ++i) _issue(brandId, to, items[i]);
        // Receiver hooks run once the whole batch is written (checks-effects-interactions), and the guard
        // keeps a re-entering receiver out of every state-changing entry point of this contract.
        if (to.code.length != 0) {
            for (uint256 i; i < n; ++i) {
                uint256 tokenId = tokenIdOf(brandId, items[i].serialHash);
                ERC721Utils.checkOnERC721Received(_msgSender(), address(0), to, tokenId, "");
            }
        }
    }

    /// @inheritdoc IHallmarkCertificate
    function issueSuccessor(
        uint256 predecessorId,
        CertificateInput calldata item,
        string calldata reason
    ) external nonReentrant returns (uint256 successorId) {
        uint32 brandId = _brandOf(predecessorId);
        _checkBrandRole(brandId, BrandRoles.ISSUER, _msgSender());
        address owner = _requireOwned(predecessorId);
        // Retiring a certificate needs its owner's consent (the piece is handed in for a new tag): a leaked
        // issuer key alone cannot retire customers' certificates.
        _checkAuthorized(owner, _msgSender(), predecessorId);
        uint256 existing = _successor[predecessorId];
        if (existing != 0) revert HallmarkAlreadySucceeded(predecessorId, existing);
        Status current = _pieces[predecessorId].status;
        if (current != Status.Active)
            revert HallmarkInvalidStatusChange(predecessorId, current, Status.Revoked);

        successorId = _issue(brandId, owner, item);
        _successor[predecessorId] = successorId;
        _predecessor[successorId] = predecessorId;
        _setStatus(predecessorId, Status.Revoked, reason);
        emit CertificateSucceeded(predecessorId, successorId, reason);
        emit TraitUpdated(TRAIT_SUCCESSOR, predecessorId, bytes32(successorId));
        emit TraitUpdated(TRAIT_PREDECESSOR, successorId, bytes32(predecessorId));
        ERC721Utils.checkOnERC721Received(_msgSender(), address(0), owner, successorId, "");
    }

    /// @inheritdoc IHallmarkCertificate
    function updateMetadata(uint256 tokenId, bytes32 metadataDigest) external {
        _requireOwned(tokenId);
        _checkBrandRole(_brandOf(tokenId), BrandRoles.ISSUER, _msgSender());
        if (metadataDigest == bytes32(0)) revert HallmarkInvalidCommitment();
        emit MetadataDigestUpdated(tokenId, metadataDigest, _msgSender());
        emit MetadataUpdate(tokenId);
    }

    /// @inheritdoc IHallmarkCertificate
    function setTokenURIBase(uint32 brandId, string calldata base) external {
        if (!_hasBrandRole(brandId, BrandRoles.BRAND_ADMIN, _msgSender())) {
            revert IBrandRegistry.HallmarkMissingBrandRole(brandId, BrandRoles.BRAND_ADMIN, _msgSender());
        }
        _tokenURIBase[brandId] = base;
        emit TokenURIBaseChanged(brandId, base);
        emit BatchMetadataUpdate(uint256(brandId) << 224, ((uint256(brandId) + 1) << 224) - 1);
    }

    /// @inheritdoc IHallmarkCertificate
    function setTwinContract(address twinContract_) external {
        address caller = _msgSender();
        if (!_isGroupAdmin(caller) && (caller != _deployer || _twinContract != address(0))) {
            revert IAccessControl.AccessControlUnauthorizedAccount(caller, _GROUP_ADMIN_ROLE);
        }
        _twinContract = twinContract_;
        emit TwinContractSet(twinContract_, caller);
    }

    /// @inheritdoc IHallmarkCertificate
    function recordTwinClaim(uint256 tokenId, address claimant) external returns (uint256) {
        if (_msgSender() != _twinContract) revert HallmarkNotTwinContract(_msgSender());
        // The twin claim's checks of the certificate, in the call that records it: one call instead of a
        // call per read.
        if (_requireOwned(tokenId) != claimant)
            revert IHallmarkGarments.HallmarkNotCertificateOwner(tokenId, claimant);
        PieceState storage piece = _pieces[tokenId];
        // The slot read once and written once: status (bits 208-215) and twin count (bits 240-255) of PieceState,
        // whose layout the layout tests pin. Solidity's field write would read the slot a second time.
        uint256 word;
        assembly ("memory-safe") {
            word := sload(piece.slot)
        }
        if (uint8(word >> 208) != uint8(Status.Active)) {
            revert IHallmarkGarments.HallmarkCertificateNotActive(tokenId);
        }
        // Checked: the 65,536th twin of one certificate reverts, as the uint16 field's increment did.
        uint16 twinsClaimed = uint16(word >> 240) + 1;
        assembly ("memory-safe") {
            sstore(piece.slot, or(and(word, not(shl(240, 0xffff))), shl(240, twinsClaimed)))
        }
        emit TraitUpdated(TRAIT_TWINS_CLAIMED, tokenId, bytes32(uint256(twinsClaimed)));
        return twinsClaimed;
    }

    // -------------------------------------------------------------------------------------------- claims

    /// @inheritdoc IHallmarkCertificate
    function setClaimKey(uint256 tokenId, address claimKey) external {
        address owner = _requireOwned(tokenId);
        _checkAuthorized(owner, _msgSender(), tokenId);
        PieceState storage piece = _pieces[tokenId];
        if (piece.hasChip) _chipPieceClaimKeys[tokenId] = claimKey;
        else piece.key = claimKey;
        piece.hasClaimKey = claimKey != address(0);
        // A new key starts a new nonce, so a signature made for an earlier key can never come back to life.
        ++piece.claimNonce;
        emit ClaimKeySet(tokenId, claimKey, _msgSender());
    }

    /// @inheritdoc IHallmarkCertificate
    function claimWithCode(
        uint256 tokenId,
        address recipient,
        uint256 deadline,
        bytes calldata signature
    ) external nonReentrant {
        if (block.timestamp > deadline) revert HallmarkSignatureExpired(deadline);
        if (recipient == address(0)) revert HallmarkInvalidRecipient(recipient);
        address owner = _requireOwned(tokenId);
        PieceState storage piece = _pieces[tokenId];
        if (!piece.hasClaimKey) revert HallmarkNoClaimKey(tokenId);
        address claimKey = piece.hasChip ? _chipPieceClaimKeys[tokenId] : piece.key;
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(CLAIM_TYPEHASH, tokenId, recipient, piece.claimNonce, deadline))
        );
        // The claim key is an ephemeral EOA whose secret is the code; ECDSA.recover refuses high-s forms.
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError || signer != claimKey) revert HallmarkInvalidSignature(tokenId);
        // The key and nonce change in _update when the certificate moves: the code works once.
        _transfer(owner, recipient, tokenId);
        emit ClaimedWithCode(tokenId, owner, recipient);
        ERC721Utils.checkOnERC721Received(_msgSender(), owner, recipient, tokenId, "");
    }

    /// @inheritdoc IHallmarkCertificate
    function setChipClaimsEnabled(uint256 tokenId, bool enabled) external {
        address owner = _requireOwned(tokenId);
        _checkAuthorized(owner, _msgSender(), tokenId);
        PieceState storage piece = _pieces[tokenId];
        if (!piece.hasChip) revert HallmarkNoChip(tokenId);
        piece.chipClaimsEnabled = enabled;
        emit ChipClaimsEnabled(tokenId, enabled);
    }

    /// @inheritdoc IHallmarkCertificate
    function claimWithChip(
        uint256 tokenId,
        address recipient,
        uint256 blockNumber,
        bytes calldata chipSignature
    ) external nonReentrant {
        if (recipient == address(0)) revert HallmarkInvalidRecipient(recipient);
        address owner = _requireOwned(tokenId);
        PieceState storage piece = _pieces[tokenId];
        // Read together, with no branch between them, the fields cost one read of the slot (the optimizer
        // merges the loads of one basic block); read where each is used, every field would read it again.
        address chipKey;
        uint24 nonce;
        bool clearsClaimState;
        {
            Status status;
            bool hasChip;
            bool optedIn;
            (chipKey, nonce, status, hasChip, optedIn, clearsClaimState) = (
                piece.key,
                piece.chipNonce,
                piece.status,
                piece.hasChip,
                piece.chipClaimsEnabled,
                piece.hasClaimKey
            );
            if (!hasChip) revert HallmarkNoChip(tokenId);
            _requireChipClaimable(tokenId, owner, optedIn, status);
            // A move drops a claim key and the opt-in (see _prepareMove).
            clearsClaimState = clearsClaimState || optedIn;
        }
        if (blockNumber >= block.number || block.number - blockNumber > CHIP_BLOCK_WINDOW) {
            revert HallmarkStaleBlock(blockNumber, block.number);
        }
        _checkChipSignature(tokenId, recipient, blockNumber, nonce, chipKey, chipSignature);
        piece.chipNonce = nonce + 1;
        // What _transfer does through _update, whose checks are done above: the same effects.
        if (clearsClaimState) _prepareMove(tokenId, false);
        ERC721._update(recipient, tokenId, address(0));
        emit ClaimedWithChip(tokenId, owner, recipient);
        ERC721Utils.checkOnERC721Received(_msgSender(), owner, recipient, tokenId, "");
    }

    /// @inheritdoc IHallmarkCertificate
    function permit(address spender, uint256 tokenId, uint256 deadline, bytes calldata signature) external {
        if (block.timestamp > deadline) revert HallmarkSignatureExpired(deadline);
        address owner = _requireOwned(tokenId);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(PERMIT_TYPEHASH, spender, tokenId, _useNonce(owner), deadline))
        );
        if (!SignatureChecker.isValidSignatureNow(owner, digest, signature))
            revert HallmarkInvalidSignature(tokenId);
        _approve(spender, tokenId, address(0));
    }

    /// @inheritdoc IHallmarkCertificate
    function verifyOwnership(
        uint256 tokenId,
        bytes32 challenge,
        bytes calldata signature
    ) external view returns (bool) {
        address owner = _ownerOf(tokenId);
        if (owner == address(0)) return false;
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(OWNERSHIP_PROOF_TYPEHASH, tokenId, owner, challenge))
        );
        // ERC-6492: a wallet signs wrapped before it is deployed. A view cannot deploy it, so a counterfactual
        // owner's proof is checked by ERC6492OwnershipCheck in an eth_call; once deployed, the wrapper is shed.
        if (signature.length >= 32 && bytes32(signature[signature.length - 32:]) == _ERC6492_MAGIC) {
            if (owner.code.length == 0) return false;
            (, , bytes memory inner) = abi.decode(signature[:signature.length - 32], (address, bytes, bytes));
            return SignatureChecker.isValidSignatureNow(owner, digest, inner);
        }
        return SignatureChecker.isValidSignatureNow(owner, digest, signature);
    }

    // -------------------------------------------------------------------------------------------- status

    /// @inheritdoc IHallmarkCertificate
    function reportStolen(uint256 tokenId, string calldata reason) external {
        address owner = _requireOwned(tokenId);
        address caller = _msgSender();
        if (caller != owner && !_hasBrandRole(_brandOf(tokenId), BrandRoles.BRAND_ADMIN, caller)) {
            revert HallmarkUnauthorizedStatusChange(tokenId, caller);
        }
        Status current = _pieces[tokenId].status;
        if (current != Status.Active) revert HallmarkInvalidStatusChange(tokenId, current, Status.Stolen);
        _setStatus(tokenId, Status.Stolen, reason);
    }

    /// @inheritdoc IHallmarkCertificate
    function revoke(uint256 tokenId, string calldata reason) external {
        _requireOwned(tokenId);
        _requireBrandAdmin(tokenId);
        Status current = _pieces[tokenId].status;
        if (current == Status.Revoked) revert HallmarkInvalidStatusChange(tokenId, current, Status.Revoked);
        _setStatus(tokenId, Status.Revoked, reason);
    }

    /// @inheritdoc IHallmarkCertificate
    function restore(uint256 tokenId, string calldata reason) external {
        _requireOwned(tokenId);
        _requireBrandAdmin(tokenId);
        Status current = _pieces[tokenId].status;
        if (current == Status.Active) revert HallmarkInvalidStatusChange(tokenId, current, Status.Active);
        // A superseded certificate stays retired: its successor carries the piece from now on.
        if (_successor[tokenId] != 0) revert HallmarkAlreadySucceeded(tokenId, _successor[tokenId]);
        _setStatus(tokenId, Status.Active, reason);
    }

    // ---------------------------------------------------------------------------------------- provenance

    /// @inheritdoc IHallmarkCertificate
    function recordProvenance(
        uint256 tokenId,
        ProvenanceKind kind,
        bytes32 detailsDigest,
        uint8 conditionGrade
    ) external {
        _requireOwned(tokenId);
        uint32 brandId = _brandOf(tokenId);
        _requireBrandNotPaused(brandId);
        if (!_mayRecord(brandId, kind, _msgSender()))
            revert HallmarkUnauthorizedProvenance(tokenId, kind, _msgSender());
        _recordProvenance(tokenId, kind, detailsDigest, conditionGrade);
    }

    /// @inheritdoc IHallmarkCertificate
    function authenticatedResale(
        uint256 tokenId,
        address buyer,
        bytes32 reportDigest,
        uint8 conditionGrade
    ) external nonReentrant {
        address owner = _requireOwned(tokenId);
        _checkBrandRole(_brandOf(tokenId), BrandRoles.RESALE_PARTNER, _msgSender());
        _checkAuthorized(owner, _msgSender(), tokenId);
        if (buyer == address(0)) revert HallmarkInvalidRecipient(buyer);
        _recordProvenance(tokenId, ProvenanceKind.AuthenticatedResale, reportDigest, conditionGrade);
        _safeTransfer(owner, buyer, tokenId, "");
    }

    // ------------------------------------------------------------------------------------------- views

    /// @inheritdoc IHallmarkCertificate
    function tokenIdOf(uint32 brandId, bytes32 serialHash) public pure returns (uint256) {
        return (uint256(brandId) << 224) | uint256(uint224(uint256(serialHash)));
    }

    /// @inheritdoc IHallmarkCertificate
    function brandOf(uint256 tokenId) external pure returns (uint32) {
        return _brandOf(tokenId);
    }

    /// @inheritdoc IHallmarkCertificate
    function statusOf(uint256 tokenId) external view returns (Status) {
        _requireOwned(tokenId);
        return _pieces[tokenId].status;
    }

    /// @inheritdoc IHallmarkCertificate
    function chipOf(uint256 tokenId) external view returns (address chip, uint64 nonce) {
        PieceState storage piece = _pieces[tokenId];
        return (piece.hasChip ? piece.key : address(0), piece.chipNonce);
    }

    /// @inheritdoc IHallmarkCertificate
    function claimStateOf(
        uint256 tokenId
    ) external view returns (address claimKey, uint48 claimNonce, bool chipClaimsEnabled) {
        PieceState storage piece = _pieces[tokenId];
        // A chip piece's key cleared by a move stays in its slot (see _update): hasClaimKey says if it counts.
        if (piece.hasClaimKey) claimKey = piece.hasChip ? _chipPieceClaimKeys[tokenId] : piece.key;
        return (claimKey, piece.claimNonce, piece.chipClaimsEnabled);
    }

    /// @inheritdoc IHallmarkCertificate
    function successorOf(uint256 tokenId) external view returns (uint256) {
        return _successor[tokenId];
    }

    /// @inheritdoc IHallmarkCertificate
    function predecessorOf(uint256 tokenId) external view returns (uint256) {
        return _predecessor[tokenId];
    }

    /// @inheritdoc IHallmarkCertificate
    function twinContract() external view returns (address) {
        return _twinContract;
    }

    /// @notice The brand's token URI base followed by the token id; the canonical document is also reachable
    /// on IPFS as the CIDv1 (raw, sha2-256) of the digest committed in CertificateIssued.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        string memory base = _tokenURIBase[_brandOf(tokenId)];
        return bytes(base).length == 0 ? "" : string.concat(base, tokenId.toString());
    }

    /// @inheritdoc IERC2981
    function royaltyInfo(
        uint256 tokenId,
        uint256 salePrice
    ) external view returns (address receiver, uint256 royaltyAmount) {
        uint96 bps;
        (receiver, bps) = registry.royaltyOf(_brandOf(tokenId));
        royaltyAmount = (salePrice * bps) / 10_000;
    }

    /// @inheritdoc IERC7496
    function getTraitValue(uint256 tokenId, bytes32 traitKey) public view returns (bytes32) {
        _requireOwned(tokenId);
        if (traitKey == TRAIT_STATUS) return bytes32(uint256(_pieces[tokenId].status));
        if (traitKey == TRAIT_CHIP) {
            PieceState storage piece = _pieces[tokenId];
            return piece.hasChip ? bytes32(uint256(uint160(piece.key))) : bytes32(0);
        }
        if (traitKey == TRAIT_SUCCESSOR) return bytes32(_successor[tokenId]);
        if (traitKey == TRAIT_PREDECESSOR) return bytes32(_predecessor[tokenId]);
        if (traitKey == TRAIT_TWINS_CLAIMED) return bytes32(uint256(_pieces[tokenId].twinsClaimed));
        revert HallmarkUnknownTrait(traitKey);
    }

    /// @inheritdoc IERC7496
    function getTraitValues(
        uint256 tokenId,
        bytes32[] calldata traitKeys
    ) external view returns (bytes32[] memory traitValues) {
        traitValues = new bytes32[](traitKeys.length);
        for (uint256 i; i < traitKeys.length; ++i) traitValues[i] = getTraitValue(tokenId, traitKeys[i]);
    }

    /// @inheritdoc IERC7496
    /// @dev The trait metadata as a base64 data: URI (its JSON has spaces and quotes, which a bare data: URI
    /// may not carry).
    function getTraitMetadataURI() external pure returns (string memory) {
        return string.concat("data:application/json;base64,", Base64.encode(bytes(_TRAIT_METADATA)));
    }

    /// @inheritdoc IERC7496
    function setTrait(uint256, bytes32 traitKey, bytes32) external pure {
        revert HallmarkTraitReadOnly(traitKey);
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return
            interfaceId == type(IERC2981).interfaceId ||
            interfaceId == bytes4(0x49064906) || // EIP-4906
            interfaceId == type(IERC7496).interfaceId ||
            interfaceId == type(IHallmarkCertificate).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------------------------------- internals

    /// @dev TagAttestedClaims' consent rule: claimWithChip's, on the same opt-in bit.
    function _presenceClaimsAllowed(uint256 tokenId, address owner) internal view override returns (bool) {
        return _pieces[tokenId].chipClaimsEnabled || owner == registry.vaultOf(_brandOf(tokenId));
    }

    function _setPresenceClaimsEnabled(uint256 tokenId, bool enabled) internal override {
        _pieces[tokenId].chipClaimsEnabled = enabled;
    }

    /// @dev Every transfer, claim and resale passes here: Stolen and Revoked certificates and paused brands
    /// don't move, and a moving certificate drops its claim code and chip-claim opt-in.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = _ownerOf(tokenId);
        if (from != address(0)) _prepareMove(tokenId, registry.isBrandPaused(_brandOf(tokenId)));
        return super._update(to, tokenId, auth);
    }

    /// @dev The checks and effects of moving an issued certificate, given its brand's pause flag: Stolen,
    /// Revoked and paused pieces don't move, and a move drops the claim code and the chip-claim opt-in.
    function _prepareMove(uint256 tokenId, bool brandPaused) private {
        PieceState storage piece = _pieces[tokenId];
        // One read of the slot for the four fields (see claimWithChip).
        (Status status, bool hasClaimKey, bool chipClaimsEnabled, bool hasChip) = (
            piece.status,
            piece.hasClaimKey,
            piece.chipClaimsEnabled,
            piece.hasChip
        );
        if (status != Status.Active) revert HallmarkCertificateLocked(tokenId, status);
        if (brandPaused) revert IBrandRegistry.HallmarkBrandPaused(_brandOf(tokenId));
        if (hasClaimKey || chipClaimsEnabled) {
            if (hasClaimKey) emit ClaimKeySet(tokenId, address(0), _msgSender());
            if (chipClaimsEnabled) emit ChipClaimsEnabled(tokenId, false);
            // A chip piece's claim key stays in its own slot, which would cost a cold read and a write to
            // clear: hasClaimKey = false already makes it count for nothing (claimWithCode and claimStateOf
            // read it only when set), and setClaimKey overwrites it.
            if (!hasChip) piece.key = address(0);
            piece.hasClaimKey = false;
            piece.chipClaimsEnabled = false;
            ++piece.claimNonce;
        }
    }

    /// @dev The owner's consent and the checks of a move (_update's), for a chip claim: one registry read gives
    /// the vault and the pause flag, which share a slot there, so the move skips _update's own registry call.
    function _requireChipClaimable(uint256 tokenId, address owner, bool optedIn, Status status) private view {
        (address vault, bool paused) = registry.vaultAndPaused(_brandOf(tokenId));
        // Physical possession alone must not move a certificate: the owner opts in, or the brand holds it.
        if (!optedIn && owner != vault) revert HallmarkChipClaimsDisabled(tokenId);
        if (status != Status.Active) revert HallmarkCertificateLocked(tokenId, status);
        if (paused) revert IBrandRegistry.HallmarkBrandPaused(_brandOf(tokenId));
    }

    /// @dev Reverts unless the chip signed the claim: a recent block's hash (freshness), the recipient and the
    /// token's chip nonce (one-time use).
    function _checkChipSignature(
        uint256 tokenId,
        address recipient,
        uint256 blockNumber,
        uint24 nonce,
        address chipKey,
        bytes calldata chipSignature
    ) private view {
        bytes32 typeHash = CHIP_CLAIM_TYPEHASH;
        bytes32 blockHash = blockhash(blockNumber);
        bytes32 structHash;
        // keccak256(abi.encode(CHIP_CLAIM_TYPEHASH, tokenId, recipient, blockNumber, blockHash, nonce)), hashed
        // in place from free memory without allocating it (abi.encode would copy it into a new bytes first).
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, typeHash)
            mstore(add(m, 0x20), tokenId)
            mstore(add(m, 0x40), recipient)
            mstore(add(m, 0x60), blockNumber)
            mstore(add(m, 0x80), blockHash)
            mstore(add(m, 0xa0), nonce)
            structHash := keccak256(m, 0xc0)
        }
        bytes32 digest = _hashTypedDataV4(structHash);
        // ECDSA.tryRecoverCalldata's checks, without its error plumbing: 65 bytes, and s in the lower half order
        // (no malleable twin of a signature). A failed recovery leaves the zero address, never a chip's key.
        if (chipSignature.length != 65) revert HallmarkInvalidSignature(tokenId);
        address signer;
        assembly ("memory-safe") {
            let s := calldataload(add(chipSignature.offset, 0x20))
            if iszero(gt(s, 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0)) {
                let m := mload(0x40)
                mstore(m, digest)
                mstore(add(m, 0x20), byte(0, calldataload(add(chipSignature.offset, 0x40))))
                mstore(add(m, 0x40), calldataload(chipSignature.offset))
                mstore(add(m, 0x60), s)
                mstore(0x00, 0)
                pop(staticcall(gas(), 1, m, 0x80, 0x00, 0x20))
                signer := mload(0x00)
            }
        }
        if (signer != chipKey) revert HallmarkInvalidSignature(tokenId);
    }

    function _issue(
        uint32 brandId,
        address to,
        CertificateInput calldata item
    ) private returns (uint256 tokenId) {
        if (item.serialHash == bytes32(0) || item.metadataDigest == bytes32(0))
            revert HallmarkInvalidCommitment();
        if (to == address(0)) revert HallmarkInvalidRecipient(to);
        tokenId = tokenIdOf(brandId, item.serialHash);
        if (_ownerOf(tokenId) != address(0)) revert HallmarkDuplicateCertificate(tokenId);
        _mint(to, tokenId);
        emit CertificateIssued(tokenId, _msgSender(), item.metadataDigest);
        address chip = item.chip;
        address claimKey = item.claimKey;
        if (chip != address(0) || claimKey != address(0)) {
            PieceState storage piece = _pieces[tokenId];
            if (chip != address(0)) {
                piece.key = chip;
                piece.hasChip = true;
                emit ChipBound(tokenId, chip);
            } else {
                piece.key = claimKey;
            }
            if (claimKey != address(0)) {
                piece.hasClaimKey = true;
                if (chip != address(0)) _chipPieceClaimKeys[tokenId] = claimKey;
                emit ClaimKeySet(tokenId, claimKey, _msgSender());
            }
        }
    }

    function _setStatus(uint256 tokenId, Status status, string calldata reason) private {
        _pieces[tokenId].status = status;
        emit StatusChanged(tokenId, status, _msgSender(), reason);
        emit TraitUpdated(TRAIT_STATUS, tokenId, bytes32(uint256(status)));
        emit MetadataUpdate(tokenId);
    }

    function _recordProvenance(
        uint256 tokenId,
        ProvenanceKind kind,
        bytes32 detailsDigest,
        uint8 conditionGrade
    ) private {
        if (detailsDigest == bytes32(0)) revert HallmarkInvalidCommitment();
        if (conditionGrade > MAX_CONDITION_GRADE) revert HallmarkInvalidConditionGrade(conditionGrade);
        emit ProvenanceRecorded(tokenId, kind, _msgSender(), detailsDigest, conditionGrade);
    }

    function _mayRecord(uint32 brandId, ProvenanceKind kind, address actor) private view returns (bool) {
        if (kind == ProvenanceKind.Sale) {
            return
                _hasBrandRole(brandId, BrandRoles.ISSUER, actor) ||
                _hasBrandRole(brandId, BrandRoles.BRAND_ADMIN, actor);
        }
        if (kind == ProvenanceKind.AuthenticatedResale)
            return _hasBrandRole(brandId, BrandRoles.RESALE_PARTNER, actor);
        if (kind == ProvenanceKind.Repair) return _hasBrandRole(brandId, BrandRoles.REPAIRER, actor);
        // Inspection
        return
            _hasBrandRole(brandId, BrandRoles.RESALE_PARTNER, actor) ||
            _hasBrandRole(brandId, BrandRoles.REPAIRER, actor) ||
            _hasBrandRole(brandId, BrandRoles.BRAND_ADMIN, actor);
    }

    function _requireBrandAdmin(uint256 tokenId) private view {
        uint32 brandId = _brandOf(tokenId);
        if (!_hasBrandRole(brandId, BrandRoles.BRAND_ADMIN, _msgSender())) {
            revert IBrandRegistry.HallmarkMissingBrandRole(brandId, BrandRoles.BRAND_ADMIN, _msgSender());
        }
    }

    function _brandOf(uint256 tokenId) private pure returns (uint32) {
        return uint32(tokenId >> 224);
    }
}
