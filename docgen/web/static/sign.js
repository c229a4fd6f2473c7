/* Signing a request in the browser.
 *
 * The signer picks their PKCS#12 key file (.p12) and types its password; the request's payload
 * (the page's payload URL, the same bytes `docgen sign-request --data` signs) is signed here as a
 * detached CMS SignedData, exactly as `docgen sign-request` makes it: SHA-256, RSA PKCS#1 v1.5,
 * signed attributes contentType (data), signingTime and messageDigest, the signer's certificate
 * and the key file's other certificates embedded, no content inside. Only the signature (base64,
 * in the hidden field `signature_b64`) is posted: the key file and password inputs have no name,
 * so the form never sends them, and the password field is emptied before the form is submitted.
 *
 * Without JavaScript the in-page controls stay hidden and the .p7s upload works as before.
 * `window.docgenSign.signPayload` is the signing itself (tests/web run it under Node).
 */
(function (root) {
  "use strict";

  function bytesToBinary(bytes) {
    var view = new Uint8Array(bytes);
    var chunks = [];
    for (var i = 0; i < view.length; i += 0x8000) {
      chunks.push(String.fromCharCode.apply(null, view.subarray(i, i + 0x8000)));
    }
    return chunks.join("");
  }

  function SignError(code, cause) {
    this.name = "SignError";
    this.code = code;
    this.message = code + (cause && cause.message ? ": " + cause.message : "");
  }
  SignError.prototype = Object.create(Error.prototype);

  function sameKey(forge, key, certificate) {
    var pub = certificate.publicKey;
    return Boolean(pub && pub.n && key.n && pub.n.equals(key.n) && pub.e.equals(key.e));
  }

  /* The key and its certificates from a PKCS#12 file (a binary string); SignError "password"
   * when the password does not open it or it is no PKCS#12, "key" when no RSA key with its
   * certificate is inside. */
  function openKeyFile(forge, p12Binary, password) {
    var p12;
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12Binary), password);
    } catch (error) {
      throw new SignError("password", error);
    }
    var oids = forge.pki.oids;
    var keyBags = (p12.getBags({ bagType: oids.pkcs8ShroudedKeyBag })[oids.pkcs8ShroudedKeyBag] || []).concat(
      p12.getBags({ bagType: oids.keyBag })[oids.keyBag] || []
    );
    var certificates = (p12.getBags({ bagType: oids.certBag })[oids.certBag] || [])
      .map(function (bag) {
        return bag.cert;
      })
      .filter(Boolean);
    for (var i = 0; i < keyBags.length; i++) {
      var key = keyBags[i].key;
      if (!key) continue;
      for (var j = 0; j < certificates.length; j++) {
        if (sameKey(forge, key, certificates[j])) {
          return { key: key, certificate: certificates[j], certificates: certificates };
        }
      }
    }
    throw new SignError("key");
  }

  /* The detached CMS SignedData (DER, a binary string) over `payloadBinary` (a binary string)
   * with the key in `p12Binary` opened by `password`. */
  function signPayload(forge, p12Binary, password, payloadBinary) {
    var opened = openKeyFile(forge, p12Binary, password);
    var oids = forge.pki.oids;
    var p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(payloadBinary);
    p7.addCertificate(opened.certificate);
    opened.certificates.forEach(function (certificate) {
      if (certificate !== opened.certificate) p7.addCertificate(certificate);
    });
    p7.addSigner({
      key: opened.key,
      certificate: opened.certificate,
      digestAlgorithm: oids.sha256,
      // in DER order of their encodings (a SET OF): contentType, signingTime (now), messageDigest
      authenticatedAttributes: [
        { type: oids.contentType, value: oids.data },
        { type: oids.signingTime },
        { type: oids.messageDigest },
      ],
    });
    p7.sign({ detached: true });
    return forge.asn1.toDer(p7.toAsn1()).getBytes();
  }

  root.docgenSign = { signPayload: signPayload, SignError: SignError };

  if (typeof document === "undefined" || !document.querySelectorAll) return;

  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        resolve(bytesToBinary(reader.result));
      };
      reader.onerror = function () {
        reject(new SignError("file", reader.error));
      };
      reader.readAsArrayBuffer(file);
    });
  }

  function fetchPayload(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(
      function (response) {
        if (!response.ok) throw new SignError("payload");
        return response.arrayBuffer().then(bytesToBinary);
      },
      function (error) {
        throw new SignError("payload", error);
      }
    );
  }

  function wire(box) {
    var form = box.closest("form");
    var keyInput = box.querySelector("input[type=file]");
    var passwordInput = box.querySelector("input[type=password]");
    var button = box.querySelector("button");
    var status = box.querySelector("[role=status]");
    var target = form && form.querySelector("input[name=signature_b64]");
    var forge = root.forge;
    if (!form || !keyInput || !passwordInput || !button || !status || !target || !forge || !root.fetch) return;

    function say(code) {
      status.textContent = box.getAttribute("data-msg-" + code) || code;
      status.classList.toggle("error", code !== "signing");
    }

    button.addEventListener("click", function () {
      var file = keyInput.files && keyInput.files[0];
      if (!file) {
        say("no-file");
        keyInput.focus();
        return;
      }
      button.disabled = true;
      say("signing");
      Promise.all([readFile(file), fetchPayload(box.getAttribute("data-payload-url"))])
        .then(function (read) {
          var der = signPayload(forge, read[0], passwordInput.value, read[1]);
          target.value = forge.util.encode64(der);
          passwordInput.value = "";
          keyInput.value = "";
          form.submit();
        })
        .catch(function (error) {
          button.disabled = false;
          var code = error instanceof SignError ? error.code : "failed";
          say(code);
          (code === "password" ? passwordInput : keyInput).focus();
        });
    });
    box.hidden = false;
  }

  var boxes = document.querySelectorAll("[data-sign-in-page]");
  for (var i = 0; i < boxes.length; i++) wire(boxes[i]);
})(typeof window !== "undefined" ? window : globalThis);
