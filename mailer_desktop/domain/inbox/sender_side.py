"""The reasons a server refuses mail because of *us*: our relay, our authentication, our
host's name, our sending rate, our reputation, our envelope sender, our content, a policy.

These families are read before any family that could call an address dead: a reply that says
"user unknown" *and* "relay access denied", "blocked", "SPF fail" or "sender domain must exist"
is about the sender, whatever its code (5.1.1 included) says. Their reasons are soft and
flagged so that the user is warned instead of the contact being blamed.
"""

from __future__ import annotations

from .rules import Rules, reason_rules

# Reasons that say something about the *sender* (IP, domain, authentication, content) rather
# than the recipient: the user is warned, the contact is not blamed.
SENDER_REASONS = frozenset({
    "blocked", "badreputation", "authfailure", "requireptr", "spamdetected", "virusdetected",
    "policyviolation", "speeding", "toomanyconn", "norelaying", "rejected", "securityerror",
    "notcompliantrfc", "contenterror",
})


# What a content filter bans in a message (amavis: "BANNED contents from you", "banned name:
# ...,.exe", "- BANNED: 554 5.7.0 ..."): the content, not the sender's address or network.
_BANNED_CONTENT = r"(?::| (?:contents?|names?|files?|attachments?|extensions?|file ?types?)\b)"

# Our envelope sender refused, in the languages of the big national providers and of localised
# servers (matched lowercased and without accents): a noun for the sender, then within the
# clause — up to a stop, a comma or a colon, and before any noun for the recipient — a word that
# refuses it or says it is unknown, invalid or not found (the address or domain "of the sender"
# too); or such a word before the noun. "An den Absender zurückgeschickt, da der Empfänger
# unbekannt ist", "Die vom Absender angegebene Empfängeradresse existiert nicht" and "Message
# retourné à l'expéditeur : destinataire inconnu" are about the recipient. Read before any family
# that could call the recipient dead: Postfix answers a bad sender at RCPT TO, in the recipient's place.
_SENDER_NOUN = (r"(?:absender|expediteur|remitente|mittente|remetente|afzender|nadawc[aye]|avsandare|afsender|avsender|"
                r"odesilatel|gonderen|gonderici|expeditor|felado|posiljatelj|posiljalac|lahettaja|\u043e\u0442\u043f\u0440\u0430\u0432\u0438\u0442\u0435\u043b|"
                r"\u53d1\u4ef6\u4eba|\u53d1\u4fe1\u4eba|\u5bc4\u4ef6\u4eba|\u5bc4\u4ef6\u8005|\u767c\u4ef6\u4eba|"
                r"\ubc1c\uc2e0\uc790|\ubcf4\ub0b8 \uc0ac\ub78c|\u9001\u4fe1\u8005|\u5dee\u51fa\u4eba)")
_RECIPIENT_NOUN = (r"(?:empfang|destinatai|destinatar|recipient|ontvanger|odbiorc|adresat|"
                   r"mottagar|modtager|mottaker|prijemc|al[i\u0131]c[i\u0131]|\u043f\u043e\u043b\u0443\u0447\u0430\u0442\u0435\u043b|"
                   r"\u6536\u4ef6|\uc218\uc2e0|\u53d7\u4fe1|\u5b9b\u5148)")
_REFUSED_ABROAD = (r"(?:unbekannt|ungultig|existiert nicht|nicht (?:vorhanden|gefunden|erlaubt|zulassig)|abgelehnt|"
                   r"inconnu|invalide|refuse|rejete|n'existe|non autorise|introuvable|desconocid|invalid|rechazad|"
                   r"no existe|no (?:esta )?permitid|no (?:fue )?encontrad|no se (?:ha )?encontrado|sconosciut|non valid|"
                   r"rifiutat|inesistent|non esiste|non autorizzat|non (?:e stat[oa] )?trovat|desconhecid|recusad|"
                   r"nao existe|nao autorizad|nao (?:foi )?encontrad|onbekend|ongeldig|geweigerd|bestaat niet|"
                   r"niet (?:toegestaan|gevonden)|nieznan|nieprawid|odrzucon|nie istnieje|nie (?:zosta[l\u0142] )?znalezion|"
                   r"okand|ukendt|ukjent|finns inte|findes ikke|finnes ikke|avvisad|afvist|avvist|neexistuje|neznam|"
                   r"odmitnut|nebyl[ao]? nalezen|nenalezen|bulunamad|gecersiz|reddedil|"
                   r"nu exista|necunoscut|nem letezik|ismeretlen|ne postoji|nepoznat|ei ole olemassa|tuntematon|"
                   r"\u043d\u0435 \u0441\u0443\u0449\u0435\u0441\u0442\u0432\u0443\u0435\u0442|\u043d\u0435 \u043d\u0430[\u0439\u0438]\u0434\u0435\u043d|"
                   r"\u043d\u0435\u0438\u0437\u0432\u0435\u0441\u0442\u043d|\u043e\u0442\u043a\u043b\u043e\u043d\u0435\u043d|"
                   r"\u4e0d\u5b58\u5728|\u65e0\u6548|\u7121\u6548|\u88ab\u62d2|\u62d2\u7edd|\u62d2\u7d55|"
                   r"\uc874\uc7ac\ud558\uc9c0 \uc54a|\uc5c6\uc2b5\ub2c8\ub2e4|\uac70\ubd80|"
                   r"\u898b\u3064\u304b\u308a\u307e\u305b\u3093|\u5b58\u5728\u3057\u307e\u305b\u3093|\u62d2\u5426)")
# Within the clause, and never past a noun for the recipient.
_CLAUSE = rf"(?:(?!{_RECIPIENT_NOUN})[^.,;:\n\u3001\u3002\uff0c\uff1b\uff1a]){{0,40}}?"
SENDER_ABROAD = Rules("reason:sender-abroad", [
    # the recipient takes mail from listed or known senders only (a whitelist, "contacts only")
    r"liste blanche", r"lista blanca", r"lista bianca", r"lista branca", r"witte lijst", r"weisse liste",
    r"bia[l\u0142](?:a|ej) li(?:st|sci)", r"\u767d\u540d\u5355", r"\u767d\u540d\u55ae", r"\bwhite ?list",
    r"n'accepte que", r"solo acepta", r"accetta solo", r"aceita (?:apenas|somente|so)", r"akzeptiert nur",
    r"accepteert (?:alleen|enkel)", r"akceptuje (?:tylko|wy[l\u0142]acznie)", r"\u53ea\u63a5\u53d7",
    r"(?:autorises|autorizados|autorizzati|toegestane|zugelassenen?|dozwolon\w*) " + _SENDER_NOUN,
    # (not the sender as the one who named the address: "indicato dal mittente", "vom Absender angegeben")
    rf"{_SENDER_NOUN}(?<!dal mittente)(?<!vom absender)(?<!von absender)(?<!par l'expediteur)(?<!por el remitente)"
    rf"(?<!pelo remetente)(?<!door de afzender)(?<!przez nadawce)[\w-]*{_CLAUSE}{_REFUSED_ABROAD}",
    rf"(?:unbekannte[mnrs]?|ungultige[mnrs]?|invalid[oa]|desconocido|sconosciuto|onbekende|nieznany|"
    rf"\u043d\u0435\u0438\u0437\u0432\u0435\u0441\u0442\u043d\w*) {_SENDER_NOUN}",
    rf"(?:adresse|domain|domaine|direccion|dominio|indirizzo|endereco|adres|adresa)\w* (?:des |de l'|de la |del |della |"
    rf"dello |do |da |van de |van )?{_SENDER_NOUN}\w*{_CLAUSE}{_REFUSED_ABROAD}",
])
# The reply's "your domain" / "your server" is ours: "Ihre Domain existiert nicht", "Votre domaine
# n'existe pas", "Su dominio no existe", "Ваш домен не существует", "您的域名不存在" (a rule set of
# its own, so that its possessives are what a text is looked through for first).
SENDER_YOURS = Rules("reason:sender-yours", [
    rf"(?:\bihre |\bdeine |\bvotre |\bton |\bsu |\btu |\bsuo |\btuo |\bseu |\buw |\btwoja |\btwoj |\bvase |\bsizin |"
    rf"\u0432\u0430\u0448\w* )(?:[\w-]+ )?(?:domain|domane|domaine|dominio|domein|domena|"
    rf"alan ad|server|mailserver|serveur|servidor|\u0434\u043e\u043c\u0435\u043d|\u0441\u0435\u0440\u0432\u0435\u0440|"
    rf"\u57df\u540d|\u670d\u52a1\u5668)\w*{_CLAUSE}{_REFUSED_ABROAD}",
    rf"(?:\u60a8\u7684|\u4f60\u7684)(?:\u57df\u540d|\u670d\u52a1\u5668|\u90ae\u4ef6\u670d\u52a1\u5668){_CLAUSE}{_REFUSED_ABROAD}",
])

# Ordered: the first family whose pattern matches names the reason (see wordings.FAMILIES).
FAMILIES: list[tuple[str, Rules]] = [
    ("norelaying", reason_rules("norelaying",
        r"relay(?:ing)? (?:access )?(?:is )?(?:denied|not (?:permitted|allowed|authori[sz]ed)|prohibited|refused)",
        r"unable to relay", r"(?:not|isn'?t) (?:permitted|allowed|authori[sz]ed) to relay", r"we do not relay",
        r"no relaying", r"cannot relay", r"relay not permitted", r"not a gateway", r"relaying mail to .* not allowed",
        r"open relay", r"relay host",
        # qmail's relay list (its control file rcpthosts): "that domain isn't in my list of allowed rcpthosts"
        r"rcpthosts?\b", r"not (?:a )?local host", r"\brelaying mail to\b", r"(?:to|for) a non-?local (?:e-?mail )?address",
        # a sending service that relays only for identities it has verified (Amazon SES: "Email
        # address is not verified")
        r"(?:e-?mail address|identit(?:y|ies)|domain) (?:is |are )?not verified",
        r"as a relay\b", r"insecure (?:mail )?relay", r"configured to relay", r"we do(?: not|n'?t) handle mail for",
    )),
    ("authfailure", reason_rules("authfailure",
        r"\bspf\b", r"\bdkim\b", r"\bdmarc\b", r"sender policy framework", r"openspf\.(?:org|net)",
        r"authentication (?:checks|information|results?)", r"unauthenticated (?:e-?mail|mail|message)",
        # (not a list's or a group's posting rule: "not authorized to send mail to the X list")
        r"not authori[sz]ed to send(?![^.;]{0,40}\b(?:list|group)\b)", r"5\.7\.2[3-6]\b", r"fails? (?:to pass )?(?:the )?authentication",
        r"authentication required", r"please authenticate", r"\bunauthenticated\b",
        # our envelope sender's domain does not resolve (Yahoo: "unresolvable RFC.5321 from domain")
        r"unresolvable (?:rfc\.?5321 )?(?:from|sender|mail from) domain",
        # our own login or identity at a sending service, Sender ID's purported responsible address
        r"authenti(?:c|fic)ation (?:failed|failure|credentials|requise|turned on)", r"\bauthentification\b",
        r"purported responsible address", r"(?:has )?not passed (?:sender )?validation", r"(?<!recipient )verification failure",
        r"not subscribed to ses\b", r"\bses:send",
    )),
    ("requireptr", reason_rules("requireptr",
        r"reverse (?:dns|lookup|hostname|dns lookup|resolution)", r"\bptr\b", r"\brdns\b",
        r"(?:hostname|helo|ehlo)[^.;]{0,40}(?:does not|doesn'?t|did not|not) (?:match|resolve)",
        r"cannot find your (?:hostname|reverse)", r"cannot resolve your (?:address|host|ip)",
        # the name of our sending address looked up ("hostname for 192.0.2.1 couldn't be found")
        r"(?:host ?name|name|ptr)(?: record)? (?:for|of) \[?\d{1,3}(?:\.\d{1,3}){3}\b", r"(?:client|your) host[^.;]{0,60}(?:unknown|has no|not found|rejected: cannot)",
        r"ip name (?:lookup|possibly) (?:failed|forged)", r"5\.7\.25\b", r"no (?:reverse|ptr)",
        r"unresolvable (?:ip|client|address|host name)", r"needs? a (?:valid )?(?:reverse|ptr|fqdn)",
        # about the name our host greets with
        r"(?:helo|ehlo)(?: command)? (?:rejected|refused|denied)", r"\b(?:in|for) (?:the |your )?(?:helo|ehlo)\b",
        r"\b(?:helo|ehlo)(?: ?/ ?(?:helo|ehlo))? (?:name|domain|host ?name|argument)\b",
    )),
    ("speeding", reason_rules("speeding",
        r"rate limit", r"ratelimit", r"rate of (?:unsolicited|mail|e-?mail|messages)", r"sending rate",
        # (also with words between: "too many bad recipients", "too many unknown recipients")
        r"too many (?:[\w-]+ ){0,2}?(?:messages|mails|e-?mails|connections|concurrent|sessions|errors|recipients|rcpts?|"
        r"invalid|attempts|requests)", r"(?:rcpt|recipients?) (?:count |number )?limit",
        r"throttl", r"(?:exceeded|reached) (?:the |its |your )?(?:rate|sending|message|connection)s? (?:limit|quota)",
        r"connection limit", r"please (?:try|retry) (?:again )?later", r"try again later", r"temporarily deferred",
        r"frequency limited",  # QQ: "550 Ip frequency limited"
        r"4\.7\.28\b", r"(?:sending|daily) (?:limit|quota)", r"too fast", r"slow down",
        r"receiving mail at a rate", r"max(?:imum)? (?:number of )?messages? per (?:connection|session)",
        # any other "too many": a limit, never a dead address (but "too many failures" is a
        # server giving up after its own retries: expired)
        r"\btoo many\b(?! (?:delivery )?failures)",
        r"(?:e-?mails|messages) per (?:hour|minute|day)\b", r"trop de (?:connexions|messages)",
    )),
    ("blocked", reason_rules("blocked",
        r"\bblocked\b", r"blacklist", r"block ?list", r"deny ?list", r"spamhaus", r"spamcop", r"barracuda",
        r"\bsorbs\b", r"\brbls?\b", r"\bdnsbls?\b",
        # T-Online refusing our sending address: "554 IP=192.0.2.25 - A problem occurred. ... (BL)"
        r"\bip=\d{1,3}(?:\.\d{1,3}){3} - a problem occurred", r"reputation", r"(?<!not )listed (?:at|in|on|by)", rf"\bbanned\b(?!{_BANNED_CONTENT})",
        r"unsolicited", r"bulk (?:e-?mail|mail)", r"junk mail", r"access denied", r"not allowed to send",
        r"refused to talk", r"(?:your|sender|sending|client) (?:ip|ip address|host|server|network)[^.;]{0,40}"
        r"(?:blocked|rejected|refused|denied|not allowed|listed)",
        # every message from the sending address refused ("All messages from 192.0.2.1 will be
        # permanently deferred", Yahoo's TSS09)
        r"(?:all )?messages from \S+ (?:will be |are |have been )?(?:permanently )?(?:deferred|blocked|rejected|refused)",
        r"service (?:refused|denied)", r"connection (?:refused|rejected|denied) (?:by|from|due)",
        r"envelope blocked", r"\bblock(?:ed)? for\b",
        r"not accepted from (?:your|the sending|the sender'?s?) (?:ip|host|server|network|address)", r"has been (?:temporarily )?(?:rate )?limited",
        r"poor reputation", r"sender (?:ip )?rejected", r"ip (?:address )?(?:rejected|not allowed|denied)",
        r"mail from your (?:ip|domain|server)", r"dynamic (?:ip|address|pool)", r"residential",
        r"our system has detected", r"suspicious (?:activity|mail)",
        # more of the sending host's refusals in servers' words
        r"black list", r"\bxrbl\b", r"\bgo away\b", r"open proxy", r"\babusive\b", r"like (?:an? )?spammer",
        r"(?:bad|invalid|unverifi?(?:y|i)able|banned) (?:sending )?ips?\b", r"\bip profile\b", r"mismatch(?:es)? (?:the )?client ip",
        r"no access from", r"(?:smtp|mail) server of your (?:isp|provider)", r"confirm this mail server",
        r"server requires confirmation", r"(?:access to )?submit messages to this", r"not accepting connections",
        r"account is protected by",
        # the sending host refused for the invalid recipients it tried before ("Error: no valid
        # recipients from [192.0.2.1]")
        r"no valid recipients from",
        # a block list in the languages of the big national providers ("Sperrliste", "liste noire", "черный список", "黑名单")
        r"sperrliste", r"schwarzen? liste", r"liste noire", r"lista (?:negra|nera|neagra)", r"zwarte lijst",
        r"czarn(?:a|ej) li(?:sta|scie)", r"cern(?:a|e|ou) listin", r"kara liste", r"svartlist", r"sortliste",
        r"\u0447\u0435\u0440\u043d\w* \u0441\u043f\u0438\u0441", r"\u9ed1\u540d\u5355", r"\u9ed1\u540d\u55ae",
        r"\u30d6\u30e9\u30c3\u30af\u30ea\u30b9\u30c8", r"\ube14\ub799\ub9ac\uc2a4\ud2b8",
    )),
    # (before spam: "Virus detected; content rejected" names a virus, whatever else it says)
    ("virusdetected", reason_rules("virusdetected", r"\bvirus", r"malware", r"infected", r"\bworm\b", r"dangerous attachment",
                           r"executable attachment", r"banned attachment")),
    ("spamdetected", reason_rules("spamdetected",
        r"\bspam\b", r"\u5783\u573e\u90ae\u4ef6", r"\u5783\u573e\u90f5\u4ef6",
        # ("спам", "スパム", "迷惑メール" judged, "스팸", Swedish "skräppost")
        r"\u0441\u043f\u0430\u043c", r"\u30b9\u30d1\u30e0", r"\u8ff7\u60d1\u30e1\u30fc\u30eb(?:\u3068|\u3068\u3057\u3066)(?:\u5224\u5b9a|\u5224\u65ad)",
        r"\uc2a4\ud338", r"skrappost", r"\buce\b", r"message content rejected", r"content (?:rejected|filter)",
        r"\bdt:spm\b",  # NetEase (163, 126): its code for mail judged spam
        r"rejected by (?:the )?(?:content|spam|mail) filter", r"junk", r"phishing",
        # ("looks like" of the message: "looks like that user does not exist" is no spam verdict)
        r"classified as", r"scored? (?:too high|as)",
        r"looks like(?! (?:that |the |this |your )?(?:user|address|mailbox|recipient|account|e-?mail address)\b)",
        r"high probability",
    )),
    ("rejected", reason_rules("rejected",
        r"sender (?:e-?mail |envelope )?(?:address |domain )?(?:is |was |has been )?(?:rejected|denied|refused|unknown|"
        r"not\b|invalid|verify failed|spammer|blacklisted)",
        # (not a field's label: Office 365's "Sender Address: shop@..." among the message's details)
        r"(?:domain of sender|sender domain|sender's domain)", r"sender verification", r"sender address(?![ \t]*:)",
        r"\byour (?:sending |mail |e-?mail )?domain\b", r"\b(?:header )?from:?(?: header)? domain\b",
        # (within the envelope sender's own reply: not past the next command of a transcript)
        r"(?:mail from|envelope sender|envelope from|from address|return[- ]path|reverse[- ]path)"
        r"(?:(?!rcpt to|<<<|<-|>>>|->)[^.;]){0,60}"
        r"(?:rejected|refused|invalid|unknown|not allowed|does not exist|denied)",
        r"5\.1\.[78]\b", r"bad sender", r"invalid sender", r"unknown sender", r"not (?:a )?registered",
        # our sender's mailbox, our headers' addresses ("The sender mailbox does not exist", "Invalid
        # address in MAIL FROM", "From header address does not exist", "Return path mailbox not found")
        r"sender(?:'s)? (?:mail ?box|address|account)[^.;]{0,20}(?:does not|doesn'?t) exist",
        r"invalid (?:address )?in mail from", r"mail from address (?:is )?not valid",
        r"\b(?:from|reply-to|sender)(?: header)? address (?:does not|doesn'?t) exist",
        r"return[- ]path (?:mail ?box|address) (?:not found|does not exist|invalid)",
        r"you are not allowed", r"\bdomain (?:of|in) (?:the )?(?:sender|from)",
        r"not accepting (?:any )?(?:e-?mail|mail|messages) from", r"not permitted to send",
        r"(?:does not|doesn'?t|will not|won'?t) (?:accept|receive) (?:any )?(?:e-?)?(?:mail|messages) (?:from|with|containing)",
        r"accepts? no (?:e-?)?(?:mail|messages) from",
        r"refuse(?:s|d)? to receive", r"recipient's policy", r"recipient policy", r"distribution list",
        r"group (?:accepts|only)", r"members?[- ]only", r"non-?members?\b", r"not authori[sz]ed to (?:post|send)",
        r"permission to post", r"moderat",
        # a check of our own message or envelope, not of the recipient: "Message-ID domain not
        # found", "Domain not found in DNS (sender)"
        r"message-?id (?:domain|header|host)", r"\((?:envelope )?(?:sender|from|mail from)\)",
        # returned mail refused as backscatter: our bounce address's signature (BATV), a bounce
        # or a null sender not taken ("returned mail not accepted here", "no third-party DSNs")
        r"batv\b", r"(?:returned mail|bounces?|null sender|empty (?:envelope )?senders?|dsns?) (?:is |are )?not (?:accepted|allowed)",
        r"(?:third-party|unsigned) dsns?\b",
        r"[e\u00e9]metteur (?:invalide|inconnu|refus|rejet|non autoris)",
        # more of the recipient's or its server's choices about senders
        r"only accept(?:s|ing)? (?:e-?mail|mail|messages) from", r"list of senders", r"bogus mail from",
        r"senderfilterconfig", r"fully[- ]qualified (?:e-?mail )?address", r"not owned by (?:the )?user",
        r"rule imposed", r"resolver\.rst\.(?!\w*sizelimit)",
        # qmail's check of the envelope sender's domain ("553 sorry, invalid domain, see <URL:…>")
        r"invalid domain,? see\b", r"not subscribed to (?:this|the) (?:group|list)", r"\bcaptcha\b",
    )),
    ("rejected", SENDER_ABROAD),
    ("rejected", SENDER_YOURS),
    # the form of our message: its headers, its MIME structure, its encoding
    ("contenterror", reason_rules("contenterror",
        # (not a notice's own MIME preamble: "This is a multi-part message in MIME format")
        r"8-?bit data", r"improperly[- ]formatted", r"unnecessary base64", r"header (?:error|syntax)",
        r"headers? (?:are|is) not accepted",
        r"(?:invalid|bad|malformed|illegal|improper|broken) (?:message |mime |e-?mail )?(?:headers?|structure|boundar(?:y|ies))\b",
    )),
    ("policyviolation", reason_rules("policyviolation",
        r"\bpolicy\b", r"policies", r"administrative(?:ly)? prohibit", r"prohibited", r"not (?:permitted|allowed)",
        r"5\.7\.9\b", r"(?<!quota )violat", r"\bdenied\b", r"(?<!connection )\brefused\b", r"filtered", r"\bfilter\b",
        r"message (?:was )?(?:rejected|refused) (?:by|due|because)", r"security (?:policy|reasons)",
        r"encryption|\btls\b|starttls|certificate", r"greylist", r"gray ?list",
        rf"\bbanned{_BANNED_CONTENT}", r"quarantin", r"\bforbidden\b",
        r"(?:illegal|prohibited|forbidden|unacceptable) attachment", r"containing (?:images|attachments)",
        r"closed (?:mailing )?list", r"organi[sz]ational settings", r"multiple addresses",
    )),
]
