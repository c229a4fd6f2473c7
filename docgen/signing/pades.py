"""PAdES signatures on issued documents, by the provider's authorised person.

A :class:`DocumentSigner` is built once per provider and reused: the key is
loaded and parsed once (pyHanko's ``SimpleSigner`` re-parses it for every
signature, the dominant cost), the signature placeholder has a reserved size
(no trial signature to measure it), and the visible appearance - the
signer's name and position in Kazakh and Russian - is drawn once with the
documents' own font and imported into each signed PDF.

Levels: PAdES B-B always; B-T when a timestamp authority is given; B-LT
when a validation context with revocation information is given: the
certificates and CRLs of the signer's chain (and of the TSA's) go into the
document security store (``/DSS``) of the signed revision itself, so the
signature covers the whole file as issued and viewers (poppler's ``pdfsig``,
Evince, Okular) say so; a change after signing shows as "not total document
signed" there and as ``modified`` in ``docgen verify``.

Every signature is a certification signature (DocMDP, no changes): what the
document's lifecycle adds later - validation data and document timestamps
(B-LTA) - is all it permits.

A tagged (PDF/UA) document gets its signature field before signing, in the
same revision, as a ``/Form`` structure element with a description, so the
signature box stays inside the structure tree.
"""

from __future__ import annotations

import datetime
import io
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from asn1crypto import cms, core, keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, general, signers
from pyhanko.sign.attributes import SigningCertificateV2Provider
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.general import get_pyca_cryptography_hash, simple_cms_attribute
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext

from docgen.errors import SigningFailed, SigningKeyError

__all__ = ["SIGNATURE_BOX", "DocumentSigner", "LocalTimeStamper", "SignerIdentity", "load_signer"]


class _OfflineRevocationNotice(logging.Filter):
    """pyHanko warns when revocation data is embedded without network fetching;
    here that is the design (the CRL comes from the PKI folder), not a problem."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


_NOTICE = _OfflineRevocationNotice()

#: Where the visible signature goes: the bottom margin of the last page, left
#: of the page counter, in PDF points (A4 is 595 x 842).
SIGNATURE_BOX = (57, 6, 327, 46)
FIELD_NAME = "DocgenSignature"
#: Hex digits reserved for the CMS signature: it takes about 6600 (3300 bytes), 13000 with the
#: local TSA's timestamp token, which gets room of its own (see ``DocumentSigner._reserve``).
BYTES_RESERVED = 16 * 1024
#: The signature widget's description (``/Contents``, ``/TU``, and ``/Alt`` of its ``/Form`` element).
SIGNATURE_DESCRIPTION = "Электрондық цифрлық қолтаңба / Электронная цифровая подпись"


@dataclass(frozen=True)
class SignerIdentity:
    """Who signs, as their certificate names them."""

    name: str
    position: str
    organization: str
    serial: str
    valid_until: str

    @classmethod
    def of(cls, certificate: x509.Certificate) -> SignerIdentity:
        def first(oid: x509.ObjectIdentifier) -> str:
            values = certificate.subject.get_attributes_for_oid(oid)
            return str(values[0].value) if values else ""

        return cls(
            name=first(NameOID.COMMON_NAME),
            position=first(NameOID.TITLE),
            # the full name (description) when O holds the abbreviation RFC 5280's bound requires
            organization=first(x509.ObjectIdentifier("2.5.4.13")) or first(NameOID.ORGANIZATION_NAME),
            serial=format(certificate.serial_number, "X"),
            valid_until=certificate.not_valid_after_utc.date().isoformat(),
        )


class _KnownSigningCertificate(SigningCertificateV2Provider):
    """The signing-certificate-v2 attribute of one certificate, built once and kept as parsed DER.

    pyHanko builds it afresh for every signature, and asn1crypto serialises a value built from
    Python data field by field (the issuer's name included) each time it is dumped, and the signed
    attributes are dumped several times a signature: ~8 ms of a B-B signature's 18. A value loaded
    from DER dumps the bytes it was read from.
    """

    def __init__(self, certificate: asn1_x509.Certificate) -> None:
        super().__init__(certificate)
        self._value = tsp.SigningCertificateV2.load(general.as_signing_certificate_v2(certificate).dump())

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return self._value


class _LoadedKeySigner(signers.SimpleSigner):
    """``SimpleSigner`` that keeps the parsed RSA key instead of re-parsing it per signature, and
    its signing-certificate attribute instead of rebuilding it (:class:`_KnownSigningCertificate`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        self._key = key if isinstance(key, RSAPrivateKey) else None
        self._signing_certificate = _KnownSigningCertificate(self.signing_cert)

    def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> Any:
        for provider in super()._signed_attr_providers(*args, **kwargs):
            yield (
                self._signing_certificate if isinstance(provider, SigningCertificateV2Provider) else provider
            )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if self._key is None or mechanism != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)  # type: ignore[no-any-return]
        return self._key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


class LocalTimeStamper(DummyTimeStamper):
    """The PKI folder's own timestamp authority (``DOCGEN_TSA=local``), answering in process.

    pyHanko's ``DummyTimeStamper`` parses its RSA key again for every token, about 45 ms of the
    workflow's default (B-T) signature; the key is parsed here once, when the authority is built.
    """

    def __init__(self, authority: signers.SimpleSigner) -> None:
        super().__init__(authority.signing_cert, authority.signing_key, authority.cert_registry)
        key = serialization.load_der_private_key(self.tsa_key.dump(), password=None)
        if not isinstance(key, RSAPrivateKey):
            raise SigningKeyError(path="tsa.p12", detail="the local timestamp authority's key must be RSA")
        self._key = key
        # built once, kept as parsed DER (see _KnownSigningCertificate)
        self._signing_certificate = tsp.SigningCertificate.load(
            general.as_signing_certificate(self.tsa_cert).dump()
        )

    def request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """The response as DER read back, as a remote authority's would be: what pyHanko embeds is
        then dumped as the bytes read, not re-serialised from Python values at each dump."""
        return tsp.TimeStampResp.load(super().request_tsa_response(req).dump())

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime.datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        """As pyHanko's, with the key and the signing-certificate attribute made once."""
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                simple_cms_attribute("signing_certificate", self._signing_certificate),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._key.sign(
            signed_attrs.dump(), padding.PKCS1v15(), get_pyca_cryptography_hash(md_algorithm.upper())
        )
        return signature, signed_attrs


def load_signer(path: Path, password: bytes) -> signers.SimpleSigner:
    """The signer in a PKCS#12 file, or :class:`SigningKeyError`."""
    try:
        data = Path(path).read_bytes()
        key, certificate, others = serialization.pkcs12.load_key_and_certificates(data, password)
    except FileNotFoundError as error:
        raise SigningKeyError(path=str(path), detail="no such file") from error
    except (ValueError, TypeError) as error:
        raise SigningKeyError(path=str(path), detail="wrong password or not a PKCS#12 file") from error
    if key is None or certificate is None:
        raise SigningKeyError(path=str(path), detail="no key or certificate inside")
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    key_info = keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return _LoadedKeySigner(
        signing_key=key_info,
        signing_cert=asn1(certificate),
        cert_registry=SimpleCertificateStore.from_certs([asn1(cert) for cert in others]),
    )


class _ImportedStamp(content.PdfContent):
    """A stamp page imported from PDF bytes held in memory (drawn once)."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self.pdf = pdf
        # parsed once: each signature imports the page from the same reader into its own writer
        self._reader = PdfFileReader(io.BytesIO(pdf))

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(self._reader, page_ix=0)
        self.resources.xobject["/DocgenStamp"] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return b"/DocgenStamp Do"


class DocumentSigner:
    """Signs PDFs for one provider. Build once (see :func:`docgen.bootstrap`), sign many."""

    def __init__(
        self,
        signer: signers.SimpleSigner,
        *,
        stamp_pdf: bytes | None = None,
        timestamper: TimeStamper | None = None,
        validation_context: ValidationContext | None = None,
        box: tuple[int, int, int, int] = SIGNATURE_BOX,
    ) -> None:
        logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_NOTICE)  # idempotent
        self.signer = signer
        self.identity = SignerIdentity.of(
            x509.load_der_x509_certificate(signer.signing_cert.dump())  # type: ignore[union-attr]
        )
        self.timestamper = timestamper
        self.box = box
        self.metadata = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            name=self.identity.name,
            reason="ЭЦҚ-мен қол қойылды / Подписано ЭЦП",
            # A certification signature: the document may change after signing only by what its
            # lifecycle adds (validation data, document timestamps), which NO_CHANGES still permits.
            certify=True,
            docmdp_permissions=MDPPerm.NO_CHANGES,
            embed_validation_info=validation_context is not None,
            validation_context=validation_context,
            # The validation data (the signer's and the TSA's chains and CRLs) goes into the signed
            # revision itself, and no revision follows: viewers then see the whole file signed.
            dss_settings=DSSContentSettings(
                placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
            ),
        )
        self.stamp_style = (
            StaticStampStyle(background=_ImportedStamp(stamp_pdf), border_width=0) if stamp_pdf else None
        )

    def sign(self, pdf: bytes) -> bytes:
        """``pdf`` with a PAdES signature (visible on its last page when a stamp was given)."""
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            last_page = int(writer.root["/Pages"]["/Count"]) - 1
            field: fields.SigFieldSpec | None = (
                fields.SigFieldSpec(FIELD_NAME, on_page=last_page, box=self.box)
                if self.stamp_style
                else fields.SigFieldSpec(FIELD_NAME)
            )
            if field is not None and "/StructTreeRoot" in writer.root:
                # Tagged (PDF/UA): the field is made here, in the revision that is signed, and
                # put in the structure tree; pyHanko then signs the existing field.
                fields.append_signature_field(writer, field)
                _tag_signature_widget(writer, field.on_page, self.description)
                field = None
            # A certification must be a document's first signature: a PDF signed before (by
            # someone else, e.g. ``docgen sign`` on a foreign file) gets an approval signature.
            certify = not any(True for _ in fields.enumerate_sig_fields(writer, filled_status=True))
            pdf_signer = signers.PdfSigner(
                self.metadata if certify else replace(self.metadata, certify=False),
                signer=self.signer,
                timestamper=self.timestamper,
                stamp_style=self.stamp_style,
                new_field_spec=field,
            )
            output = io.BytesIO()
            pdf_signer.sign_pdf(writer, output=output, bytes_reserved=self._reserve())
            return output.getvalue()
        except SigningFailed:
            raise
        except Exception as error:
            raise SigningFailed(detail=f"{type(error).__name__}: {error}") from error

    @property
    def description(self) -> str:
        """What the signature box is, for assistive technology (bilingual, like the stamp)."""
        return f"{SIGNATURE_DESCRIPTION}: {self.identity.name}"

    def _reserve(self) -> int:
        # Hex digits of /Contents, for the CMS alone: the validation data (DSS) is written beside
        # the signature, in the same revision, not inside it. A timestamp token carries its TSA's
        # certificates and needs room of its own.
        return BYTES_RESERVED + (BYTES_RESERVED if self.timestamper else 0)


def _tag_signature_widget(writer: IncrementalPdfFileWriter, page_index: int, description: str) -> None:
    """Put the (just appended) signature field's widget into the structure tree of a tagged PDF.

    PDF/UA (ISO 14289-1, 7.18) wants every annotation in the structure tree and a widget described:
    the widget gets ``/Contents`` and ``/TU`` and a ``/StructParent`` key; a ``/Form`` element (with
    ``/Alt``) under the root structure element holds an object reference (``OBJR``) to it; the
    parent tree maps the key back to that element; the page lists annotations in structure order
    (``/Tabs /S``).
    """
    widget_ref = next(ref for name, _, ref in fields.enumerate_sig_fields(writer) if name == FIELD_NAME)
    widget = widget_ref.get_object()
    if "/Kids" in widget:  # a field with a separate widget annotation
        widget_ref = widget.raw_get("/Kids")[0]
        widget = widget_ref.get_object()
    page_ref = writer.find_page_for_modification(page_index)[0]
    tree = writer.root["/StructTreeRoot"]
    parent_ref, parent = _root_element(writer, tree)
    key = _next_parent_tree_key(tree)
    text = generic.TextStringObject(description)
    element_ref = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/StructElem"),
                generic.NameObject("/S"): generic.NameObject("/Form"),
                generic.NameObject("/P"): parent_ref,
                generic.NameObject("/Pg"): page_ref,
                generic.NameObject("/Alt"): text,
                generic.NameObject("/K"): generic.ArrayObject(
                    [
                        generic.DictionaryObject(
                            {
                                generic.NameObject("/Type"): generic.NameObject("/OBJR"),
                                generic.NameObject("/Obj"): widget_ref,
                                generic.NameObject("/Pg"): page_ref,
                            }
                        )
                    ]
                ),
            }
        )
    )
    kids = parent.get("/K")
    if isinstance(kids, generic.ArrayObject):
        kids.append(element_ref)
        writer.update_container(kids)
    else:
        parent[generic.NameObject("/K")] = generic.ArrayObject(
            [*([parent.raw_get("/K")] if kids is not None else []), element_ref]
        )
        writer.update_container(parent)
    widget[generic.NameObject("/Contents")] = text
    widget[generic.NameObject("/TU")] = text
    widget[generic.NameObject("/StructParent")] = generic.NumberObject(key)
    writer.update_container(widget)
    _add_to_parent_tree(writer, tree, key, element_ref)
    tree[generic.NameObject("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    writer.update_container(tree)
    page = page_ref.get_object()
    page[generic.NameObject("/Tabs")] = generic.NameObject("/S")
    writer.update_container(page)


def _root_element(
    writer: IncrementalPdfFileWriter, tree: generic.DictionaryObject
) -> tuple[generic.PdfObject, generic.DictionaryObject]:
    """The document's root structure element (``/Document``), or the structure tree root itself
    when it has no single root element."""
    raw = tree.raw_get("/K") if "/K" in tree else None
    top = raw.get_object() if raw is not None else None
    reference = top.raw_get(0) if isinstance(top, generic.ArrayObject) and len(top) == 1 else raw
    if isinstance(reference, generic.IndirectObject):
        element = reference.get_object()
        if isinstance(element, generic.DictionaryObject) and "/S" in element:
            return reference, element
    return writer.root.raw_get("/StructTreeRoot"), tree


def _number_tree_keys(node: generic.DictionaryObject) -> list[int]:
    keys = [int(node["/Nums"][i]) for i in range(0, len(node.get("/Nums", ())), 2)]
    kids = node.get("/Kids", generic.ArrayObject())
    for index in range(len(kids)):
        keys.extend(_number_tree_keys(kids[index]))
    return keys


def _next_parent_tree_key(tree: generic.DictionaryObject) -> int:
    used = _number_tree_keys(tree["/ParentTree"]) if "/ParentTree" in tree else []
    return max([int(tree.get("/ParentTreeNextKey", 0)), *(key + 1 for key in used)])


def _add_to_parent_tree(
    writer: IncrementalPdfFileWriter, tree: generic.DictionaryObject, key: int, value: generic.PdfObject
) -> None:
    """Map ``key`` (above every key there) to ``value`` in the structure tree's parent tree."""
    if "/ParentTree" not in tree:
        tree[generic.NameObject("/ParentTree")] = writer.add_object(
            generic.DictionaryObject({generic.NameObject("/Nums"): generic.ArrayObject()})
        )
    parent_tree = tree["/ParentTree"]
    if "/Kids" in parent_tree:  # an intermediate node: a new leaf, last, covers the new key
        leaf = writer.add_object(
            generic.DictionaryObject(
                {
                    generic.NameObject("/Limits"): generic.ArrayObject(
                        [generic.NumberObject(key), generic.NumberObject(key)]
                    ),
                    generic.NameObject("/Nums"): generic.ArrayObject([generic.NumberObject(key), value]),
                }
            )
        )
        parent_tree["/Kids"].append(leaf)
        writer.update_container(parent_tree["/Kids"])
        return
    nums = parent_tree.get("/Nums")
    if not isinstance(nums, generic.ArrayObject):
        nums = generic.ArrayObject()
        parent_tree[generic.NameObject("/Nums")] = nums
    nums.extend([generic.NumberObject(key), value])
    writer.update_container(nums)
    writer.update_container(parent_tree)
