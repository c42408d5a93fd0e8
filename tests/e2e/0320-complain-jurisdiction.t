#!/bin/sh
# Where each right can back a complaint (C2): taobao, tmall and 1688 take
# CN rights; tmall-global CN or HK; lazada-XX a right registered in XX;
# aliexpress and alibaba any registered right, and an unregistered
# copyright there and nowhere else.  Each refusal exits 1, names C2 and
# writes nothing; each pass files a complaint.
. "$(dirname "$0")/lib.sh"

ok "init and the handler's sign-in" init_store cases@ipp.test
A_ID=$(verified_account alice alice@example.com 'Alice Li')
like "$A_ID" '^[0-9]+$' "alice is identity-verified (A5)"
CN=$(trademark_ipr alice CN TM-CN-1)
like "$CN" '^[0-9]+$' "a verified CN trademark"
HK=$(trademark_ipr alice HK TM-HK-1)
like "$HK" '^[0-9]+$' "a verified HK trademark"
SG=$(trademark_ipr alice SG TM-SG-1)
like "$SG" '^[0-9]+$' "a verified SG trademark"
make_jpeg "$tmp/statement.jpg"
CU=$(verified_ipr alice --type copyright --unregistered \
    --name 'Product photographs 2025' --statement "$tmp/statement.jpg")
like "$CU" '^[0-9]+$' "a verified unregistered copyright (I4)"

SUP='The listing uses our right without any authorisation.'
n=100

# file IPR PLATFORM: `new` as alice for a listing of PLATFORM (lazada-XX
# for Lazada) backed by IPR, with a fresh listing id; the reason fits the
# IPR's type.
file() {
	n=$((n + 1))
	_f_reason=tm-mark-in-text
	[ "$1" = "$CU" ] && _f_reason=cr-image-misappropriation
	case $2 in
	lazada-*) _f_where="--platform lazada --region ${2#lazada-}" ;;
	*) _f_where="--platform $2" ;;
	esac
	# shellcheck disable=SC2086
	as alice ipp-complain new $_f_where --ipr "$1" --target listing \
	    --reason "$_f_reason" --supplement "$SUP" --no-check \
	    "$(listing_url "$2" "$n")"
}

# passes IPR NAME PLATFORM: the complaint is filed.
passes() {
	try file "$1" "$3"
	if [ "$rc" -eq 0 ] && printf '%s\n' "$err" | grep -q 'filed complaint'; then
		pass "$2 on $3: filed (C2)"
	else
		fail "$2 on $3: filed (C2)" "exit $rc" "stderr: $err"
	fi
}

# refused_on IPR NAME PLATFORM ERE: refused, naming C2, store unchanged.
refused_on() {
	refuses 1 "$4.*\\(rule C2\\)" "$2 on $3" file "$1" "$3"
}

# ---- a CN trademark: everywhere but Lazada ----
for p in taobao tmall tmall-global 1688 alibaba aliexpress; do
	passes "$CN" 'a CN trademark' "$p"
done
for r in sg id my th ph vn; do
	R=$(echo "$r" | tr a-z A-Z)
	refused_on "$CN" 'a CN trademark' "lazada-$r" \
	    "lazada-$r needs a right registered in $R, and IPR $CN is registered in 'CN'"
done

# ---- an HK trademark: tmall-global, not taobao ----
passes "$HK" 'an HK trademark' tmall-global
refused_on "$HK" 'an HK trademark' taobao \
    "taobao needs a right registered in CN, and IPR $HK is registered in 'HK'"
refused_on "$HK" 'an HK trademark' tmall "tmall needs a right registered in CN"
refused_on "$HK" 'an HK trademark' 1688 "1688 needs a right registered in CN"
passes "$HK" 'an HK trademark' aliexpress

# ---- an SG trademark: lazada-sg only among Lazada's regions ----
passes "$SG" 'an SG trademark' lazada-sg
for r in id my th ph vn; do
	R=$(echo "$r" | tr a-z A-Z)
	refused_on "$SG" 'an SG trademark' "lazada-$r" \
	    "lazada-$r needs a right registered in $R, and IPR $SG is registered in 'SG'"
done
refused_on "$SG" 'an SG trademark' tmall-global \
    "tmall-global needs a right registered in CN or HK"
passes "$SG" 'an SG trademark' alibaba

# ---- an unregistered copyright: aliexpress and alibaba only ----
passes "$CU" 'an unregistered copyright' aliexpress
passes "$CU" 'an unregistered copyright' alibaba
refused_on "$CU" 'an unregistered copyright' taobao \
    'an unregistered copyright backs complaints on aliexpress and alibaba only, not taobao'
refused_on "$CU" 'an unregistered copyright' tmall-global \
    'an unregistered copyright backs complaints on aliexpress and alibaba only'
refused_on "$CU" 'an unregistered copyright' lazada-sg \
    'an unregistered copyright backs complaints on aliexpress and alibaba only'

# Every pass above filed one complaint, every refusal none.
is "$(sql "SELECT count(*) FROM complaints")" 12 "12 complaints filed"
is "$(sql "SELECT group_concat(platform || coalesce('-' || region, ''), ' ')
    FROM (SELECT platform, region FROM complaints WHERE ipr_id = $SG
    ORDER BY complaint_id) AS c")" "lazada-sg alibaba" \
    "the SG trademark's complaints: lazada-sg and alibaba"

done_testing
