"""The wordings of each bounce reason, in the order they are read (see :mod:`.phrases`).

A family is a reason and the phrases servers write it in; the first family whose phrases occur
in a text names the reason. The families about the sender (:mod:`.sender_side`) come before
every family that could call an address dead, and a few narrower families before them where
their words would otherwise be taken for the sender's fault ("try again later" beside a full
disk) or for a dead address (an ambiguous one, an MX loop).
"""

from __future__ import annotations

from . import sender_side
from .rules import Rules, reason_rules

# Grammars: what a sentence about a dead address is made of, in any server's words. A noun
# naming the recipient's mailbox and a word saying it is not there, in either order.
_WHO = (r"(?:user(?: ?name| ?id)?|userid|recipient(?:'?s)?(?: e-?mail)?(?: address| name)?|mail ?box(?: name)?|"
        r"(?:e-?mail |destination |recipient |delivery |mail )?address(?:ee)?|account|alias|local ?-?part|"
        r"e-?mail|destination|addressee|person)")
_NOT_THERE_BEFORE = (r"(?:unknown|no such|invalid|non-?existent|non-?existing|unrecogni[sz]ed|unregistered|"
                     r"inexistent|bad|illegal)")
_NOT_THERE_AFTER = (r"(?:unknown|not (?:found|known|recogni[sz]ed|registered|valid|exist(?:ing|ent)?|listed|present)|"
                    r"(?:does|did|do)(?: not|n'?t) exist|(?:is )?invalid|is not valid|non-?existent|"
                    r"could not be found|couldn'?t be found|cannot be found|can'?t be found)")
_HOST = (r"(?:host ?(?:name)?|(?:mail |recipient |destination |e-?mail )?domain(?: name)?|mx(?: record)?s?|"
         r"mail exchanger|dns name)")
_HOST_BAD = (r"(?:unknown|not found|(?:does|did)(?: not|n'?t) exist|could(?: not|n'?t) be (?:found|resolved)|"
             r"(?:cannot|can'?t) be (?:found|resolved)|not resolvable|invalid|"
             r"has no (?:mx|address|dns|valid)|non-?existent)")

# A directory lookup that found no such recipient, in the languages Domino and Notes are
# translated into (matched without accents): Spanish, French, German, Italian, Portuguese, Japanese.
DIRECTORY_MISS = (
    r"no (?:se encuentra|figura|aparece|esta) (?:listado )?en el directorio",
    r"(?:n'est pas|ne figure pas|non) (?:repertorie|liste|reference|present)?e?s? ?dans l'annuaire",
    r"nicht im [\w-]*verzeichnis (?:aufgefuhrt|enthalten|gefunden|vorhanden|eingetragen)",
    r"im [\w-]*verzeichnis nicht (?:aufgefuhrt|enthalten|gefunden|vorhanden|eingetragen)",
    r"non (?:e )?(?:elencato|presente) nella directory", r"nao (?:esta )?(?:listad[oa]|encontrad[oa]) no diretorio",
    r"\u30c7\u30a3\u30ec\u30af\u30c8\u30ea(?:\u306b\u306f|\u306b|\u306e\u30ea\u30b9\u30c8\u306b)(?:\u898b\u3064\u304b\u308a\u307e\u305b\u3093|\u3042\u308a\u307e\u305b\u3093)",
)

# A mailbox that does not exist, in the languages of the big national providers and of
# localised servers (matched lowercased and without accents; "\u0142" and the dotless "\u0131" have
# none to lose). A noun for the recipient's address or mailbox, then words that say it is not
# there, or the other way round. Like the English words, they make an address dead only beside a
# 5.1.x code or in answer to RCPT TO (see :mod:`.phrases`).
_NEAR = r"(?: [\w.@<>'\"-]+){0,3}? "
# (a noun of an address that is an IP address's is about the sending host: "adresse IP", "IP adresi";
# the nouns come first in each pattern, so that a text is scanned for them quickly)
_NOT_IP = r"(?! ?-?ip\b)"
UNKNOWN_ABROAD = (
    # German
    r"(?:e-?mail-?adresse|empfangeradresse|empfanger|benutzer(?:name|konto)?|postfach|konto)" + _NEAR
    + r"(?:existiert nicht|(?:ist )?nicht vorhanden|(?:wurde )?nicht gefunden|gibt es nicht|(?:ist )?ungultig)",
    r"\bkein(?:e[nrs]?)? (?:solche[nrs]? )?(?:postfach|benutzer|empfanger|e-?mail-?adresse)\b",
    # French
    r"(?:adresse(?: e-?mail| electronique| de messagerie)?|destinataire|utilisateur|boite(?: aux lettres| mail| e-?mail)?|"
    r"compte(?: de messagerie| e-?mail)?)" + _NOT_IP + _NEAR
    + r"(?:n'existe (?:pas|plus)|n existe pas|(?:est )?inexistante?|(?:est )?introuvable|(?:est )?inconnue?)",
    r"(?:destinataire|utilisateur|boite aux lettres) (?:est )?(?:invalide|non valide)",
    # Spanish, Portuguese, Italian (the verb first too: "No existe el usuario")
    r"(?:direccion(?: de correo(?: electronico)?)?|destinatario|usuario|buzon|cuenta(?: de correo)?)" + _NOT_IP + _NEAR
    + r"(?:no existe|inexistente|desconocid[oa]|no (?:fue )?encontrad[oa]|no se (?:ha )?encontrado|no es valid[oa])",
    r"\bno existe (?:el|la|ese|esa|dich[oa]|tal) (?:usuario|buzon|direccion|cuenta|destinatario|persona)",
    r"(?:endereco(?: de e-?mail)?|destinatario|usuario|utilizador|caixa (?:postal|de correio)|conta(?: de e-?mail)?)"
    + _NOT_IP + _NEAR + r"(?:nao existe|inexistente|desconhecid[oa]|nao (?:foi )?encontrad[oa]|nao e valid[oa])",
    r"\bnao existe (?:o|a) (?:usuario|endereco|caixa|conta|destinatario)",
    r"(?:indirizzo(?: e-?mail| di posta(?: elettronica)?)?|destinatario|utente|casella(?: di posta| postale)?)" + _NOT_IP
    + _NEAR + r"(?:non esiste|inesistente|sconosciut[oa]|non (?:e stat[oa] )?trovat[oa]|non (?:e )?valid[oa])",
    r"\bnessun (?:utente|destinatario|indirizzo|account)\b",
    # Dutch
    r"(?:e-?mail ?adres|ontvanger|gebruiker|postvak|postbus|mailbox)" + _NEAR + r"(?:bestaat niet|(?:is )?onbekend|niet gevonden|(?:is )?ongeldig)",
    r"onbekende (?:gebruiker|ontvanger|geadresseerde|e-?mail ?adres)",
    # Swedish, Danish, Norwegian
    r"(?:mottagare[n]?|modtager(?:en)?|mottaker(?:en)?|anvandare[n]?|bruger(?:en)?|bruker(?:en)?|e-?post ?adress(?:en)?|"
    r"e-?mail ?adresse[n]?|e-?post ?adresse[n]?|kontot|kontoen)" + _NEAR + r"(?:finns inte|findes ikke|finnes ikke|eksisterer ikke)",
    r"(?:okand|ukendt|ukjent) (?:mottagare|modtager|mottaker|anvandare|bruger|bruker)",
    # Polish, Czech
    r"(?:adres(?: e-?mail)?|adresat|odbiorca|uzytkownik|skrzynka(?: pocztowa)?|konto)" + _NOT_IP + _NEAR
    + r"(?:nie istnieje|(?:jest )?nieznany|nie (?:zosta[l\u0142] )?znalezion[ya]|nie znaleziono)",
    r"nieznany (?:uzytkownik|adresat|odbiorca)", r"brak (?:takiego )?(?:uzytkownika|adresata|odbiorcy)",
    r"nie ma (?:takiego|takiej) (?:uzytkownika|adresata|odbiorcy|konta|adresu|skrzynki)",
    r"(?:adresa(?<!\bip adresa)|uzivatel|prijemce|schranka|ucet)" + _NOT_IP + _NEAR + r"(?:neexistuje|nebyl[ao]? nalezen[ao]?|nenalezen[ao]?)",
    r"neznam(?:y|a) (?:uzivatel|prijemce|adresat)",
    # Turkish
    r"(?:kullan[i\u0131]c[i\u0131]|al[i\u0131]c[i\u0131]|adres(?<!\bip adres)[i\u0131]?|posta kutusu|hesap)" + _NOT_IP + _NEAR
    + r"(?:bulunamad[i\u0131]|mevcut degil)",
    r"boyle bir (?:kullan[i\u0131]c[i\u0131]|al[i\u0131]c[i\u0131]|adres) (?:yok|bulunamad[i\u0131])",
    # Russian ("\u0439" loses its breve when accents are folded: "\u043d\u0430\u0439\u0434\u0435\u043d" is matched either way)
    r"(?:\u043f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u0442\u0435\u043b\w*|"
    r"\u0430\u0434\u0440\u0435\u0441(?<!ip-\u0430\u0434\u0440\u0435\u0441)(?<!ip \u0430\u0434\u0440\u0435\u0441)\w*|"
    r"\u043f\u043e\u043b\u0443\u0447\u0430\u0442\u0435\u043b\w*|\u044f\u0449\u0438\u043a\w*)"
    + _NOT_IP + _NEAR + r"(?:\u043d\u0435 \u0441\u0443\u0449\u0435\u0441\u0442\u0432\u0443\u0435\u0442|"
    r"\u043d\u0435 \u043d\u0430[\u0439\u0438]\u0434\u0435\u043d|\u043d\u0435\u0438\u0437\u0432\u0435\u0441\u0442\u0435\u043d)",
    r"\u043d\u0435\u0442 \u0442\u0430\u043a\u043e\u0433\u043e (?:\u043f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u0442\u0435\u043b\u044f|"
    r"\u0430\u0434\u0440\u0435\u0441\u0430|\u044f\u0449\u0438\u043a\u0430|\u043f\u043e\u043b\u0443\u0447\u0430\u0442\u0435\u043b\u044f)",
    r"(?:\u043d\u0435\u0441\u0443\u0449\u0435\u0441\u0442\u0432\u0443\u044e\u0449|\u043d\u0435\u0438\u0437\u0432\u0435\u0441\u0442\u043d)\w* "
    r"(?:\u043f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u0442\u0435\u043b|\u0430\u0434\u0440\u0435\u0441|"
    r"\u044f\u0449\u0438\u043a|\u043f\u043e\u043b\u0443\u0447\u0430\u0442\u0435\u043b)",
    # Chinese (simplified and traditional), Korean, Japanese (a user, account or mailbox not
    # found; not "address not found": EZweb's notices say so above whatever their reason is)
    r"(?:\u7528\u6237|\u7528\u6236|\u6536\u4ef6\u4eba|\u90ae\u7bb1|\u90f5\u7bb1|\u4fe1\u7bb1|\u5e10\u53f7|\u8d26\u53f7|"
    r"\u5e33\u865f|\u8d26\u6237|\u5e33\u6236)(?:\u540d|\u5730\u5740)?\s?\u4e0d\u5b58\u5728",
    r"\u65e0\u6b64\u7528\u6237|\u7121\u6b64\u7528\u6236|\u67e5\u65e0\u6b64\u4eba|\u67e5\u7121\u6b64\u4eba",
    r"(?:\uc0ac\uc6a9\uc790|\uacc4\uc815|\uc218\uc2e0\uc790|\uba54\uc77c ?\uc8fc\uc18c|\uc8fc\uc18c)(?:\uac00|\uc774|\ub294|\uc740)? ?"
    r"(?:\uc874\uc7ac\ud558\uc9c0 \uc54a|\uc5c6\uc2b5\ub2c8\ub2e4)",
    r"\uc874\uc7ac\ud558\uc9c0 \uc54a\ub294 (?:\uc0ac\uc6a9\uc790|\uacc4\uc815|\uc218\uc2e0\uc790|\uba54\uc77c ?\uc8fc\uc18c|\uc8fc\uc18c)",
    r"(?:\u30e6\u30fc\u30b6\u30fc?|\u30a2\u30ab\u30a6\u30f3\u30c8|\u30e1\u30fc\u30eb\u30dc\u30c3\u30af\u30b9)"
    r"(?:\u304c|\u306f)?\u898b\u3064\u304b\u308a\u307e\u305b\u3093",
    # ("そのようなユーザーはいません", "該当するユーザーがいません": no such user is there)
    r"\u30e6\u30fc\u30b6\u30fc?(?:\u304c|\u306f)\u3044\u307e\u305b\u3093",
    # ("사용자를 찾을 수 없습니다": the user cannot be found)
    r"(?:\uc0ac\uc6a9\uc790|\uacc4\uc815|\uc218\uc2e0\uc790|\uba54\uc77c ?\uc8fc\uc18c)(?:\ub97c|\uc744)? ?"
    r"\ucc3e\uc744 \uc218 \uc5c6",
    # Hungarian, Finnish, Romanian, Croatian/Serbian/Slovenian, Greek (accents folded)
    r"ismeretlen (?:felhasznalo|cimzett|e-?mail ?cim)", r"(?:felhasznalo|cimzett|postafiok|e-?mail ?cim)" + _NEAR
    + r"nem letezik",
    r"(?:kayttajaa|vastaanottajaa|osoitetta|postilaatikkoa)" + _NEAR + r"ei (?:loydy|ole olemassa)",
    r"(?:utilizatorul|destinatarul|adresa(?<!\bip adresa)|casuta(?: postala)?|contul)" + _NOT_IP + _NEAR + r"nu exista",
    r"(?:korisnik|primatelj|primalac|prejemnik|uporabnik|adresa(?<!\bip adresa))" + _NOT_IP + _NEAR
    + r"ne (?:postoji|obstaja)",
    r"nepoznat(?:i|a)? (?:korisnik|primatelj|primalac|prejemnik|uporabnik)",
    r"(?:\u03c7\u03c1\u03b7\u03c3\u03c4\u03b7\u03c2|\u03c0\u03b1\u03c1\u03b1\u03bb\u03b7\u03c0\u03c4\u03b7\u03c2) "
    r"(?:\u03b1\u03b3\u03bd\u03c9\u03c3\u03c4\u03bf\u03c2|\u03b4\u03b5\u03bd \u03c5\u03c0\u03b1\u03c1\u03c7\u03b5\u03b9)",
    # Hebrew ("the user / recipient does not exist"), Arabic ("the user / recipient is not found")
    r"(?:\u05de\u05e9\u05ea\u05de\u05e9|\u05e0\u05de\u05e2\u05df|\u05d4\u05e0\u05de\u05e2\u05df) \u05dc\u05d0 \u05e7\u05d9\u05d9\u05dd",
    r"(?:\u0627\u0644\u0645\u0633\u062a\u062e\u062f\u0645|\u0627\u0644\u0645\u0633\u062a\u0644\u0645) "
    r"\u063a\u064a\u0631 \u0645\u0648\u062c\u0648\u062f",
)

# A domain that does not exist, in the same languages (the sending host's own lookup, as its
# localised notice says it, or the far side's reply); a domain of the sender's is read before
# (see :mod:`.sender_side`).
UNKNOWN_DOMAIN_ABROAD = (
    r"\bdomain(?:e|name)?" + _NEAR + r"(?:existiert nicht|(?:ist )?unbekannt|(?:wurde )?nicht gefunden|gibt es nicht)",
    r"\bunbekannte (?:domain|domane)\b", r"\bdomane" + _NEAR + r"(?:existiert nicht|(?:ist )?unbekannt)",
    r"\bdomaine" + _NEAR + r"(?:n'existe pas|n existe pas|(?:est )?inexistant|(?:est )?inconnu|(?:est )?introuvable)",
    r"\bdomaine (?:inconnu|inexistant)",
    r"\bdominio" + _NEAR + r"(?:no existe|nao existe|non esiste|inexistente|inesistente|desconocido|desconhecido|"
    r"sconosciuto|no encontrado|nao encontrado|non trovato)",
    r"\bdomein(?:naam)?" + _NEAR + r"(?:bestaat niet|(?:is )?onbekend|niet gevonden)", r"\bonbekend(?:e)? domein",
    r"\bdomena" + _NEAR + r"(?:nie istnieje|(?:jest )?nieznana|neexistuje|ne postoji|ne obstaja)", r"\bnieznana domena",
    r"\bdoman(?:en)?" + _NEAR + r"(?:finns inte|findes ikke|finnes ikke)", r"\bdom(?:ae|\u00e6)net" + _NEAR + r"findes ikke",
    r"\balan ad[i\u0131]" + _NEAR + r"(?:bulunamad[i\u0131]|mevcut degil)",
    r"\bdomeniul" + _NEAR + r"nu exista", r"\bdomain" + _NEAR + r"nem letezik",
    r"\bverkkotunnus(?:ta)?" + _NEAR + r"ei (?:ole olemassa|loydy)",
    r"\u0434\u043e\u043c\u0435\u043d\w*" + _NEAR + r"(?:\u043d\u0435 \u0441\u0443\u0449\u0435\u0441\u0442\u0432\u0443\u0435\u0442|"
    r"\u043d\u0435 \u043d\u0430[\u0439\u0438]\u0434\u0435\u043d)",
    r"\u043d\u0435\u0438\u0437\u0432\u0435\u0441\u0442\u043d\w* \u0434\u043e\u043c\u0435\u043d",
    r"(?:\u57df\u540d|\u7db2\u57df)\s?\u4e0d\u5b58\u5728",
    r"\ub3c4\uba54\uc778(?:\uc774|\uac00|\uc740|\ub294)? ?\uc874\uc7ac\ud558\uc9c0 \uc54a",
)

# Ordered: the first family whose pattern matches names the reason. The families about the
# sender (:mod:`.sender_side`) come before every family that could call an address dead.
FAMILIES: list[tuple[str, Rules]] = [
    ("mailererror", reason_rules("mailererror",
        r"pipe to \S+ (?:failed|returned)", r"command (?:died|failed|output)", r"mailer error",
        r"\bprocmail\b", r"unknown mailer error", r"local delivery (?:failed|agent)",
        r"returned error status", r"exit(?:ed)? (?:code|status|with)", r"temporary local problem",
        r"mail forwarding loop", r"mail loop", r"too many hops", r"loops? back to myself",
        r"loop detected", r"routing loop", r"hop count exceeded", r"maximum hop count",
        r"forwarding loop", r"\blooping\b", r"loop was found", r"\bexit \d{1,3}\b", r"\bmaildrop\b", r"pipe to \|",
        r"can'?t create (?:user )?output file",
    )),
    # Exchange's resolver and DNS codes whose RFC 3463 code (5.1.x, 5.4.4) would call the address
    # or domain dead: an ambiguous or malformed recipient, a wrong primary address, MX records
    # that point back in a loop; a domain whose DNS is malformed (Courier) — problems of the
    # receiving system, not a dead address.
    ("systemerror", Rules("reason:receiving-system", [
        r"resolver\.adr\.(?:ambiguous|invalidinsmtp|badprimary)", r"\bambiguous (?:address|recipient)",
        r"several matches found",  # Domino: the name fits more than one person in its directory
        r"dns violates rfc ?1035",
        # the far side cannot do what our server required of it (Gmail: "Remote server does not support TLS")
        r"(?:remote )?server does not support (?:tls|starttls|smtp authenticated relay)"])),
    # Routing trouble on the way, not a dead domain: MX records that point back in a loop, old
    # Exchange's "DNS records for the destination computer could not be found", a receiving
    # server that cannot route the domain itself (Exim's "unrouteable mail domain" at RCPT TO).
    ("networkerror", Rules("reason:receiving-dns", [
        r"smtpsend\.dns\.mxloopback", r"configured in a loop", r"hub local delivery unable to route",
        r"dns records for the destination computer could not be found", r"unroutea?ble mail domain"])),
    # A recipient check by probe (Postfix's reject_unverified_recipient: "undeliverable address:"
    # and what became of the probe) that could not reach the next server: the probe's trouble,
    # not the address's.
    ("networkerror", Rules("reason:probe-unreached", [
        r"undeliverable address:[^;]{0,80}?(?:connect to|connection (?:refused|timed out|reset)|timed out|"
        r"lost connection|no route to host|host not found, try again|temporar|try again)"])),
    # The receiving system short of room, or an account locked for a while: said with "try again
    # later", which the sender-side families would take for a rate limit.
    ("systemfull", Rules("reason:systemfull", [
        r"insufficient (?:disk|system|storage) (?:space|storage|resources)",
        r"mail system (?:is )?full"])),
    # (the recipient's own account blocked is no block of ours: "The recipient account is blocked",
    # La Poste's "Le compte du destinataire est bloque")
    ("suspend", Rules("reason:locked", [
        r"temporar(?:il)?y locked", r"(?:account|mailbox|user) (?:is )?locked", r"mail ?box (?:is )?busy",
        # not taking mail for a while ("not accepting mail at this time", "temporarily not accepting")
        r"not accepting (?:any )?(?:e-?mail|mail|messages)[^.;]{0,25}(?:at (?:this|the) (?:time|moment)|"
        r"temporarily|right now|for now|while)", r"(?:temporarily|currently) not accepting",
        r"(?:recipient|mail ?box|user|account)(?: is)? not accepting (?:any )?(?:e-?mail|mail|messages)",
        r"recipient(?:'s)? (?:account|mailbox) (?:is |has been |was )?(?:blocked|frozen|locked)",
        r"compte du destinataire (?:est |a ete )?bloque", r"boite du destinataire archivee",
        r"account (?:is |has been )?(?:temporarily )?limited"])),  # EZweb: "The user(s) account is temporarily limited."
    # A full mailbox said with "please try again later" (Comcast: "552 5.2.2 <a> Mailbox is full.
    # Please try again later"), which the sender-side families would take for a rate limit.
    ("mailboxfull", Rules("reason:full-mailbox", [
        r"\b(?:mail ?box|in-?box|mail ?folder)(?: of the recipient)? (?:is |was )?(?:full|over ?quota)\b",
        r"\bmail ?box (?:size |storage )?quota (?:exceeded|reached|full)\b"])),
    *sender_side.FAMILIES,
    # Unavailable for now, or "try again later", in the languages whose words for a dead mailbox
    # are read: whatever else the reply says, nothing is proved dead (English has its own below;
    # after the sender's families, whose refusals often end in "try again later").
    ("systemerror", Rules("reason:temporary-abroad", [
        r"\btemporairement\b", r"\btemporariamente\b", r"\btemporaneamente\b", r"\btemporalmente\b",
        r"\btymczasowo\b", r"\bvorubergehend\b", r"\btijdelijk\b", r"\btillfalligt\b", r"\bmidlertidig",
        r"\bdocasne\b", r"\bgecici\b", r"\u0432\u0440\u0435\u043c\u0435\u043d\u043d\u043e", r"\u6682\u65f6",
        r"\u66ab\u6642", r"\u4e00\u6642\u7684", r"\uc77c\uc2dc\uc801",
        r"(?:versuchen sie es|bitte) (?:spater|nochmals)", r"spater erneut", r"reessayez", r"plus tard",
        r"(?:intente(?:lo)?|intentelo|vuelva a intentar(?:lo)?)[^.;]{0,20}(?:mas tarde|de nuevo)",
        r"riprova(?:re)? piu tardi", r"tente (?:novamente|mais tarde)", r"probeer het (?:later|opnieuw)",
        r"sprobuj (?:ponownie|pozniej)", r"\u3057\u3070\u3089\u304f\u3057\u3066\u304b\u3089",
        r"\u7a0d\u540e\u518d\u8bd5", r"\u7a0d\u5f8c\u518d\u8a66", r"\u043f\u043e\u0437\u0436\u0435"])),
    ("mailboxfull", reason_rules("mailboxfull",
        r"\b(?:mail ?box|in-?box|mail ?folder|mail ?drop|account|maildir|storage|disk space)\b[^.;]{0,40}?"
        r"\b(?:(?:is |was )?full|over ?quota|quota (?:exceeded|full|reached)|exceeds? (?:its |the )?(?:allowed |maximum )?(?:quota|size|storage))",
        r"mail ?box (?:is )?(?:full|over)",
        r"exceed(?:ed|s)? (?:the |his |her |its |their )?(?:storage|quota|mailbox|disk)",
        r"insufficient (?:disk|storage|system storage|space)", r"not enough (?:space|storage|disk)",
        r"full mailbox", r"is full", r"mailfolder is full", r"too much mail", r"storage (?:limit|quota|full)",
        r"out of (?:disk )?space", r"(?:mailbox|account) (?:size|storage) (?:limit|exceeded)", r"5\.2\.2\b",
        r"user has exceeded", r"mailbox exceeded", r"maildir over", r"would exceed",
        # any quota (over quota, quota exceeded, disk quota ...) left after the sending limits
        # above; space that has run out
        r"quota", r"(?:enough|sufficient) (?:free |disk |storage |mailbox )?space\b", r"no space left",
        r"space (?:has been |is )?used up",
        r"postfach (?:ist )?voll", r"speicherplatz", r"boite (?:aux lettres )?(?:du destinataire )?pleine", r"buzon (?:esta )?lleno",
        r"casella (?:piena|di posta piena)", r"\u5bb9\u91cf", r"\u6e80\u676f",
        # in the languages of the big national providers (matched without accents)
        r"\bsaturee?\b", r"cuota excedida", r"\bpleine\b", r"\bpien[ao]\b", r"\bllen[oa]\b", r"\bcheia\b",
        r"\blotad[oa]\b", r"\b(?:is|zit) vol\b", r"\bplna\b", r"\bdolu\b", r"przepe[l\u0142]nion", r"spazio esaurito", r"caixa (?:postal|de correio) (?:cheia|lotada)",
        r"cota excedida", r"\b(?:mailbox|postvak)(?: zit)? vol\b", r"skrzynka(?: pocztowa)? pe[l\u0142]na",
        r"przekroczono limit", r"brak miejsca", r"\u043f\u0435\u0440\u0435\u043f\u043e\u043b\u043d\u0435\u043d",
        r"\u043f\u0440\u0435\u0432\u044b\u0448\u0435\u043d\u0430 \u043a\u0432\u043e\u0442\u0430",
        r"\u043d\u0435\u0434\u043e\u0441\u0442\u0430\u0442\u043e\u0447\u043d\u043e \u043c\u0435\u0441\u0442\u0430",
        r"\u4e00\u676f", r"\u30af\u30a9\u30fc\u30bf", r"\u3044\u3063.\u3044", r"\u5df2\u6ee1", r"\u7a7a\u95f4\u4e0d\u8db3", r"\bout of storage\b",
    )),
    ("mesgtoobig", reason_rules("mesgtoobig",
        r"message (?:is |was )?too (?:big|large|long)", r"message size", r"size limit", r"too large",
        r"mail too big", r"message length exceeds", r"exceeds? (?:the )?(?:maximum|max)(?: allowed)? (?:message )?size",
        r"5\.3\.4\b", r"size exceeds", r"message exceeds", r"larger than \d", r"too big",
        r"taille (?:limite|maximale)",
    )),
    ("exceedlimit", reason_rules("exceedlimit", r"5\.2\.3\b", r"exceeds? (?:the |a )?(?:fixed )?(?:limit|maximum)", r"limit exceeded")),
    ("suspend", reason_rules("suspend",
        # (not Postfix's "delivery temporarily suspended": a destination it holds mail for while it
        # is unreachable)
        # (not iCloud's "inactive email address": an address no longer in use, dead where the
        # code says the mailbox is bad — 5.1.1 — and unsure under any other)
        r"\bdisabled\b", r"(?<!delivery temporarily )suspend", r"\binactive\b(?! e-?mail address)", r"deactivated",
        r"not active", r"inactivity",
        r"account (?:has been |is |was )?(?:closed|locked|expired|discontinued|terminated|frozen|cancell?ed|blocked|on hold)",
        r"mailbox (?:has been |is |was )?(?:closed|locked|frozen|disabled|suspended|blocked)",
        r"is frozen", r"(?<!delivery )temporarily (?:unavailable|disabled|suspended)", r"expired account", r"account expired",
        r"5\.7\.13\b", r"\bdormant\b", r"no longer active", r"is not accepting (?:any )?(?:e-?)?mail",
        r"(?:user|account|mailbox|recipient) (?:is |has been |was )?terminated",
        # locked or switched off, in the languages of the big national providers (without accents)
        r"\bgesperrt\b", r"\bdeaktiviert\b", r"\bdesactivee?\b", r"\bbloquee?\b", r"deshabilitad[oa]", r"bloquead[oa]",
        r"desactivad[oa]", r"disabilitat[oa]", r"bloccat[oa]", r"desativad[oa]", r"geblokkeerd", r"uitgeschakeld",
        r"zablokowan", r"nieaktywn", r"\u0437\u0430\u0431\u043b\u043e\u043a\u0438\u0440\u043e\u0432\u0430\u043d",
        # (and in the other languages whose words for a dead mailbox are read: "unknown or
        # disabled" stays soft in each, as in English)
        r"disattivat[oa]", r"gedeactiveerd", r"\binaktiv", r"\binactie[fv]", r"\bneaktivn", r"\binactiv[oa]\b",
        r"\binativ[oa]\b", r"\binattiv[oa]\b", r"\binactif\b", r"wy[l\u0142]aczon", r"zablokovan", r"deaktivovan", r"inaktiverad",
        r"\bsparrad\b", r"deaktiveret", r"sp(?:ae|\u00e6)rret", r"devre d[i\u0131]s[i\u0131]", r"ask[i\u0131]ya al[i\u0131]n",
        r"\u7981\u7528", r"\u6682\u505c", r"\ube44\ud65c\uc131", r"\uc815\uc9c0",
        r"\u043e\u0442\u043a\u043b\u044e\u0447\u0435\u043d",
        r"\u0432\u0440\u0435\u043c\u0435\u043d\u043d\u043e \u043d\u0435\u0434\u043e\u0441\u0442\u0443\u043f\u0435\u043d",
        r"\u7121\u52b9", r"\u505c\u6b62", r"\u51bb\u7ed3", r"\u505c\u7528", r"\bon hold\b",
        # (Hungarian, Finnish, Romanian, Croatian/Serbian, Greek, Hebrew, Arabic)
        r"\bletiltva\b", r"\bletiltott", r"\bzarolva\b", r"felfuggesztve", r"poistettu kaytosta", r"\blukittu\b",
        r"\bdezactivat", r"\bsuspendat", r"onemogucen", r"\bblokiran", r"deaktiviran",
        r"\u03b1\u03c0\u03b5\u03bd\u03b5\u03c1\u03b3\u03bf\u03c0\u03bf\u03b9\u03b7\u03bc\u03b5\u03bd",
        r"\u05de\u05d5\u05e9\u05d1\u05ea", r"\u05d7\u05e1\u05d5\u05dd", r"\u0645\u0639\u0637\u0644", r"\u0645\u062d\u0638\u0648\u0631",
        # a mailbox left unused for months (i.ua: "was not used for more than 3 months")
        r"not (?:been )?used (?:for|in) (?:more than |over )?\d+ ?(?:days?|weeks?|months?|years?)",
    )),
    ("hasmoved", reason_rules("hasmoved", r"(?<!service )(?<!server )has moved", r"(?:<addr>(?: >)?|address|mail ?box|account|user) has been replaced by", r"moved (?:permanently|to)", r"address (?:has )?changed", r"5\.1\.6\b",
                      r"user not local",  # RFC 5321's 551 reply
                      r"no longer (?:at|with|valid at|on (?:this |the )?server)", r"changed (?:his|her|their|the) (?:e-?mail )?address")),
    ("notaccept", reason_rules("notaccept",
        # (not "does not accept email over IPv6", nor "from you": the way it came, or who sent it)
        r"does not accept (?:any )?(?:e-?)?mail(?! (?:over|via|from|through|sent|with)\b)", r"accepts? no (?:e-?)?mail", r"null mx", r"\bnullmx\b",
        # (a domain's or server's refusal of all mail; a mailbox or a recipient "not accepting mail"
        # may be one switched off for a while)
        r"(?:domain|host|server|mx)\b(?: [\w.-]+)?(?: is| does)? not accepting (?:any )?(?:e-?)?mail", r"does not receive (?:e-?)?mail",
        r"5\.7\.27\b",
        r"5\.1\.10\b(?!.{0,60}(?:recip(?:ient)?notfound|recipient not found))",  # Office 365 uses 5.1.10 for an unknown recipient
        r"no mail (?:is )?accepted", r"mail (?:is )?not accepted", r"domain .{0,40}does not (?:accept|receive)",
        # the domain's own MX or SRV record says it offers no SMTP service (Exim on a null MX)
        r"indicated no smtp service",
    )),
    # A lookup that failed for now (the resolver's "try again" answer, a timeout, SERVFAIL) says
    # nothing about the domain: read before the dead-host family, whose words it shares. A lookup
    # that merely "failed" (Sendmail's "Host name lookup failure", Courier's "DNS lookup failed.",
    # both temporary) is a network error below unless the words say the host was not found.
    ("networkerror", Rules("reason:dns-temporary", [
        r"host not found, try again", r"temporary (?:failure|error) in name resolution",
        # records whose DNSSEC signatures do not check out: the domain's DNS is broken, not gone
        r"\bdnssec\b",
        r"(?:dns|name ?server|name service|mx|domain) (?:lookup|query|resolution)(?:[^.;]|\.\w){0,40}?(?:timed? ?out|servfail|temporar)",
        # no route to the destination could be worked out (a relay's routing table, not the DNS)
        r"unable to resolve route",
        # a name that could not be resolved *for now* ("couldn't be resolved temporarily", "can't be
        # resolved (DNS timeout)", "could not be resolved, will retry")
        r"(?:could(?: not|n'?t)|can(?:not|'?t)) be (?:found|resolved)[^.;]{0,30}?(?:temporar|timeout|timed out|"
        r"try again|will retry|servfail|right now)",
    ])),
    ("hostunknown", reason_rules("hostunknown",
        rf"\b(?:unknown|no such|invalid|illegal|non-?existent|unresolvable|unroutable|unrouteable) {_HOST}\b",
        rf"\b{_HOST}(?: (?!(?:user|recipient|mailbox|account)\b)[\w.<>-]+){{0,2}}? (?:is |was )?{_HOST_BAD}",
        r"\bdomain(?: \S+){0,2} is not reachable",
        r"host (?:or domain name )?not found", r"host unknown", r"unknown host", r"no such host",
        r"domain (?:name )?(?:not found|does not exist|doesn'?t exist|unknown|not exist|is invalid|invalid|lookup failed)",
        # ("name service error" also where it ends "Malformed or unexpected name server reply":
        # older Postfix answers a domain's null MX, RFC 7505's "MX 0 .", with that)
        r"(?:unknown|invalid|nonexistent|non-existent) (?:domain|host|mail domain)", r"no such domain", r"name service error",
        r"nxdomain", r"unrouteable", r"unroutable", r"no mx", r"mx (?:record )?(?:not found|lookup failed)",
        r"unable to resolve", r"could not resolve", r"couldn'?t find any host",
        r"no mail ?servers? (?:appear to )?exists? for",  # hMailServer, after a lookup that found none
        r"(?:address )?lookups? failed permanently",
        r"returned (?:an )?answer with no data",  # the domain has neither MX nor address records (Gmail)
        r"no valid (?:mx|host|domain)", r"5\.1\.2\b", r"5\.4\.4\b", r"address domain", r"name or service not known",
        r"cannot find (?:the )?(?:mx|domain|host)", r"domain name system",
        r"(?:weren'?t|were not|wasn'?t|was not) able to find the (?:recipient(?:'s)? )?domain",
        r"recipient domain must exist",
        *UNKNOWN_DOMAIN_ABROAD,
        r"mail for \S+ loops back", r"the domain is not reachable",
    )),
    ("userunknown", reason_rules("userunknown",
        rf"\b{_NOT_THERE_BEFORE}(?:[ -](?:local|final|delivery|e-?mail|destination|recipient|user|virtual))*[ -]{_WHO}\b",
        rf"\b{_WHO}(?: (?!(?:domain|host)\b)[\w.<>'\"\[\]()-]+){{0,3}}? (?:is |was |has been )?{_NOT_THERE_AFTER}",
        r"\b(?:doesn'?t|does not|did not) have an? (?:[\w.-]+ )?(?:account|mailbox)",
        r"user(?:name)? (?:\S+ )?(?:is )?(?:unknown|not found|does not exist|doesn'?t exist|not exist|not known|invalid)",
        r"unknown (?:user|recipient|local ?-?part|address|mailbox|e-?mail|account|alias|addressee|local user|or illegal)",
        r"no such (?:user|mailbox|recipient|address|account|person|local user|e-?mail)",
        r"(?:mail ?box|recipient|address|account|e-?mail|user|addressee|alias)(?: name)? (?:\S+ )?(?:does not|doesn'?t|did not|do not|not) exist",
        # (not Exchange's "The recipient was unavailable to take delivery of the message": its
        # sentence for any failure to hand the message on, whatever the cause)
        r"(?:mail ?box|recipient|address|account|addressee)(?: \S+)? (?:not found|unknown|is invalid|invalid|not valid|is not valid|unavailable(?! to take delivery)|not available|is not available)",
        r"invalid (?:recipient|mailbox|address|user|account|e-?mail|destination)",
        r"recipnotfound", r"recipientnotfound", r"recipient not found", r"not (?:listed in|found in) (?:the )?(?:public |domino )?(?:directory|name)",
        *DIRECTORY_MISS,
        r"no mail ?box", r"bad destination mailbox", r"not our customer", r"no one (?:at|with) this address",
        r"isn'?t a valid", r"\bnot a valid (?:mailbox|address|user|recipient|e-?mail)", r"not a known user", r"not our user",
        r"doesn'?t have a \S+ account", r"does not have an? (?:\S+ )?account", r"mailbox unavailable",
        r"undeliverable address", r"address (?:couldn'?t|could not|cannot|can'?t) be found", r"user not in",
        r"cannot find (?:the|this|that) (?:user|recipient|mailbox)", r"no account", r"there is no (?:such )?user",
        r"unknown in (?:local|virtual|relay) recipient table", r"5\.1\.[013]\b",
        r"5\.1\.351\b", r"(?:the|this) (?:e-?mail )?(?:address|account) (?:you|that you) .{0,40}(?:not|isn'?t|doesn'?t|was not) (?:exist|found|valid)",
        r"verify the recipient", r"no (?:such )?(?:local|valid) (?:user|recipient|mailbox)", r"not a valid recipient",
        r"mailbox not found", r"account not found", r"invalid final delivery userid",
        r"(?:benutzer|empfa(?:e)?nger|adresse|user) (?:ist )?unbekannt", r"unbekannte?r? (?:benutzer|empfa(?:e)?nger)",
        r"utilisateur inconnu", r"destinataire inconnu", r"adresse (?:introuvable|inconnue)",
        r"usuario (?:desconocido|no existe)", r"utente (?:sconosciuto|inesistente)",
        r"\u5b58\u5728\u3057\u307e\u305b\u3093", r"\u5b9b\u5148\u4e0d\u660e", r"addressee unknown", r"destination address",
        r"email account that you tried to reach does not exist", r"invalid mailbox",
        # the address itself as the subject ("550 <a@example.org> does not exist", "RCPT <a@b> not found")
        r"<addr>(?: [>\]\"'])?(?: ?:)? (?:is |was )?(?:unknown|not (?:found|known|valid|present)|(?:does|did)(?: not|n'?t) exist|"
        r"invalid|non-?existent)\b",
        r"\bnot an? (?:active|valid|existing) (?:e-?mail )?address\b",
        r"(?:address|account|mailbox) is (?:wrong|no longer valid)",
        # (a closed address, not a moved one: said after DATA it is a filter's, as every such wording)
        r"address no longer accepts (?:e-?)?mail",
        r"\bno \S+ in (?:the )?name directory", r"no matches to nameserver query", r"archived recipient",
        r"can(?:'?t|not) accept user", r"spectator does not exist",
        # qmail's recipient lists (the badrcptto and validrcptto patches)
        r"\bbad ?(?:rcpt|recipient) ?to\b", r"not in my validrcptto",
        # addresses that cannot exist: a domain reserved for examples (RFC 2606), a single-label domain
        r"reserved by rfc ?2606", r"single[ -]label domains? (?:are )?not accepted",
        *UNKNOWN_ABROAD,
    )),
    ("expired", reason_rules("expired",
        r"retry time", r"too long", r"\bexpired\b", r"timed? ?out", r"could not be delivered (?:within|for)",
        r"delivery time", r"not (?:been )?delivered (?:for|within|after)",
        r"giving up(?! on \[?(?:\d{1,3}\.|[\da-f]*:))",  # (not qmail's "Giving up on 192.0.2.1.": its line under any permanent reply)
        r"gave up", r"maximum time",
        r"retry (?:timeout|period)", r"too many (?:delivery )?failures", r"has been delayed",
        r"delivery attempts will continue", r"failing for a long time", r"not been collected", r"did not respond",
        r"after (?:multiple|numerous|repeated) (?:retries|attempts)", r"numerous attempts", r"failed to deliver to domain", r"delivery (?:has )?failed after", r"delivery failed \d+ attempts", r"no answer from host", r"queue", r"4\.4\.7\b",
        r"undeliverable for", r"retried for", r"was delayed", r"\bdays\b", r"\bhours\b",
    )),
    ("networkerror", reason_rules("networkerror",
        r"connection (?:refused|reset|timed out|closed|lost|dropped|failure|failed)", r"network", r"lost connection",
        r"did not accept our requests? to connect", r"socket error",
        r"no route", r"could not connect", r"unable to connect", r"can'?t connect", r"connect to .* failed",
        r"host (?:is )?(?:down|unreachable|not reachable)", r"dns (?:error|failure)", r"lookup (?:failure|failed|error)",
        r"tls (?:handshake|negotiation)", r"4\.4\.\d\b",
        # every MX host tried and none answered (Haraka, whose report then carries 5.1.2)
        r"tried all mx(?:s|es| hosts)?\b",
        r"connection (?:was |has been )(?:refused|reset|closed|lost|dropped)", r"could not find a gateway",
    )),
    ("systemerror", reason_rules("systemerror",
        r"system (?:error|problem|failure|config)", r"internal (?:server )?error", r"local error", r"resources",
        r"out of memory", r"i/o error", r"misconfigur", r"configuration error", r"server (?:error|failure)",
        r"service (?:not available|unavailable|is unavailable)", r"temporar", r"try again",
        r"technical (?:problem|difficult|issue|error|fault)",  # not "Technical details of permanent failure"
        r"system (?:is )?(?:busy|full|overloaded)", r"insufficient system", r"processing error",
        r"interrupted system call", r"error while being processed", r"could not load", r"currently unavailable",
        r"transaction failed",
    )),
    ("syntaxerror", reason_rules("syntaxerror", r"syntax error", r"command unrecognized", r"unrecognized command", r"bad sequence",
                         r"line too long", r"protocol error", r"invalid command", r"not implemented")),
]

# The words of a dead mailbox alone (read where another family named the reason first).
UNKNOWN_WORDS = next(rules for name, rules in FAMILIES if name == "userunknown")
