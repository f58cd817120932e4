"""What code finds without the model (``propose``), and the model's answer laid over it (``combine``).

Made-up text in the shape of Korean and English news chunks, in our own words.
"""

from __future__ import annotations

from briefing.chunk import chunk_article
from briefing.combine import combine
from briefing.extract import known_before
from briefing.glossary import default_glossary
from briefing.models import Article, ArticleMeta, ChunkExtraction, PersonX, StatementX, StopX
from briefing.people import people_named
from briefing.pointing import number_chunk
from briefing.propose import propose

TRIP = (
    "구광모 LG그룹 회장이 지난 3일부터 닷새간 미국과 캐나다를 방문했다고 LG가 9일 밝혔다. "
    "구 회장은 먼저 미국 텍사스주 오스틴에 있는 LG전자 연구소를 찾아 김철수 연구소장과 만났다. "
    "구 회장은 6일에는 캐나다 밴쿠버로 이동해 배터리 협력사를 둘러봤다. "
    '그는 "북미는 LG의 다음 10년이 걸린 시장"이라고 말했다. '
    '안덕근 산업통상자원부 장관은 "기업의 투자를 적극 돕겠다"고 밝혔다.'
)


def stops_of(text: str, context: str = "") -> list[tuple[str, str | None, str | None]]:
    found = propose(number_chunk(text), context)
    return [(s.leader_ko, s.city or s.region or s.country, s.date_text) for s in found.stops]


def test_code_finds_each_city_the_leader_went_to_and_not_the_countries_around_them() -> None:
    assert stops_of(TRIP) == [("구광모", "Austin", None), ("구광모", "Vancouver", "6일")]


def test_code_gives_the_leader_his_quotation_and_the_minister_his_own() -> None:
    found = propose(number_chunk(TRIP))
    assert [(q.speaker_ko, q.quote_ko) for q in found.statements] == [
        ("구광모", "북미는 LG의 다음 10년이 걸린 시장")
    ]
    assert [x.name_ko for x in found.leaders] == ["구광모", "김철수"]


def test_people_named_tells_lg_executives_from_other_companies_and_officials() -> None:
    text = (
        "김영호 LG화학 전지소재본부장과 박민수 삼성전자 사장, 이정우 상무가 자리했다. "
        "안덕근 산업통상자원부 장관은 축사를 했다."
    )
    people = {p.ko: p.leader for p in people_named(text, default_glossary())}
    assert people["김영호"] is True
    assert people["박민수"] is False and people["안덕근"] is False
    # a name with a bare rank ("이정우 상무") is LG's only where the text names him with LG
    assert "이정우" not in people
    people = {
        p.ko: p.leader for p in people_named(text + " 이정우 LG화학 상무는 웃었다.", default_glossary())
    }
    assert people["이정우"] is True


def test_nouns_and_posts_are_not_people_and_a_rival_s_chairman_is_not_lg_s() -> None:
    text = (
        "이향목 LG화학 양극재사업부장(부사장)과 이천국 LG전자[066570] 유럽지역 대표가 함께했다. "
        "신동빈 회장도 인도를 찾았다. 신동빈 롯데그룹 회장은 푸네 공장을 둘러봤다. 김동관 한화 부회장도 왔다."
    )
    people = {p.ko: p.leader for p in people_named(text, default_glossary())}
    assert people["이향목"] is True and people["이천국"] is True
    assert people["신동빈"] is False
    assert not {"양극재", "유럽지역", "한화"} & people.keys()
    # and a person's name is not a place: 이천국 is not in Icheon
    assert stops_of("구광모 LG 회장은 3일 바르샤바를 찾았다. 이천국 LG전자 유럽지역 대표가 함께했다.") == [
        ("구광모", "Warsaw", "3일")
    ]


def test_a_market_in_a_quotation_a_nickname_and_a_dateline_are_not_stops() -> None:
    text = (
        "(서울=연합뉴스) 구광모 LG그룹 회장이 '인도의 실리콘밸리'로 불리는 벵갈루루를 찾았다. "
        '구 회장은 "유럽 시장이 중요하다"며 현장을 둘러봤다.'
    )
    assert stops_of(text) == [("구광모", "Bengaluru", None)]


def test_a_place_after_a_visit_word_is_a_stop_only_for_the_subject_of_the_sentence() -> None:
    text = (
        "조주완 LG전자 사장은 1일 서울 본사에서 회의를 주재했다. 정의선 현대차 회장은 2일 울산 공장을 찾았다."
    )
    assert stops_of(text) == [("조주완", "Seoul", "1일")]


def test_attendees_are_people_met_at_the_travellers_stop() -> None:
    text = (
        "조주완 LG전자 사장은 11일(현지시각) 미국 시카고에서 채용 행사를 주관했다. "
        "박형세 HE사업본부장(사장)과 김원범 CHO가 함께 했다."
    )
    [stop] = propose(number_chunk(text)).stops
    assert stop.leader_ko == "조주완" and stop.city == "Chicago"
    assert [p.name_ko for p in stop.people_met] == ["박형세", "김원범"]


def test_a_later_chunk_knows_the_short_form_from_the_articles_opening() -> None:
    body = "구광모 LG그룹 회장이 미국 출장길에 올랐다.\n\n" + "LG는 북미 사업을 키우고 있다. " * 120
    body += "\n\n구 회장은 10일 시카고에서 고객사를 만났다."
    article = Article(id="a", path="a.txt", text=body, meta=ArticleMeta(), content_hash="0")
    chunks = chunk_article(article, 200, 20)
    last = chunks[-1]
    assert "구광모" not in last.text and "구광모" in last.lead
    assert stops_of(last.text, known_before(last)) == [("구광모", "Chicago", "10일")]
    assert stops_of(last.text, last.context) == []  # without the opening, nobody to resolve "구 회장"


def test_english_coverage_pronouns_continue_the_subject() -> None:
    text = (
        "LG Group Chairman Koo Kwang-mo visited North America this week. "
        "He first stopped at a research centre in Austin. He then travelled to Vancouver on the 6th."
    )
    assert [s[1] for s in stops_of(text)] == ["Austin", "Vancouver"]


def test_a_sentence_without_a_subject_goes_on_with_the_last_traveller_and_a_company_s_does_not() -> None:
    text = (
        "조주완 LG전자 사장은 지난 1일 리야드를 찾았다. 현지 생산기지에서는 부품이 들어가는 라인을 점검했다. "
        "지난 6일에는 인도로 건너가 뉴델리 판매법인과 노이다 연구소를 잇달아 방문했다. "
        "LG전자는 8일 푸네 공장에서 출하식을 열었다."
    )
    assert stops_of(text) == [
        ("조주완", "Riyadh", "지난 1일"),
        ("조주완", "New Delhi", "지난 6일"),
        ("조주완", "Noida", "지난 6일"),
    ]  # fmt: skip  (places joined by 과 share the day; "…했고, 이어 X로" would not)
    later = "구광모 LG 회장은 3일 바르샤바에서 총리를 만났고, 이어 브로츠와프로 건너가 공장을 둘러봤다."
    assert stops_of(later) == [("구광모", "Warsaw", "3일"), ("구광모", "Wrocław", None)]


def test_the_subject_marker_belongs_to_the_name_right_before_it() -> None:
    text = (
        "권영수 LG에너지솔루션 부회장은 12일 난징으로 출국했다. "
        "이번 중국 방문을 마치면 권 부회장은 주요 해외 사업장을 모두 돌아보게 된다. "
        "그는 지난해 출장에서 스마트팩토리를 점검했다. 같은 해 7월에는 폴란드 공장을 방문했다."
    )
    assert stops_of(text) == [("권영수", "Nanjing", "12일"), ("권영수", "Poland", "같은 해 7월")]
    english = (
        "LG Chairman Koo Kwang-mo left for the U.S. on Monday. His schedule covers Spring Hill and Austin."
    )
    assert [s[1] for s in stops_of(english)] == ["Spring Hill", "Austin"]


def test_everyone_a_caption_puts_at_a_place_is_there_and_so_are_a_visitor_s_hosts() -> None:
    caption = (
        "오유성 LG에너지솔루션 소형전지사업부장(전무·왼쪽 세번째)과 김형식 ESS전지사업부장(오른쪽 두번째)이 "
        "2일(현지시간) 미국 애리조나주 퀸 크릭 건설현장에서 기념사진을 찍고 있다."
    )
    assert stops_of(caption) == [
        ("오유성", "Queen Creek", "2일(현지시간)"),
        ("김형식", "Queen Creek", "2일(현지시간)"),
    ]
    visit = "칼레니우스 회장은 13일 서울 여의도 LG트윈타워를 방문해 조주완 LG전자 CEO 등 경영진과 면담했다."
    assert stops_of(visit) == [("조주완", "Seoul", "13일")]


def test_what_only_looks_like_a_trip_is_not_one() -> None:
    # a product first shown at a show, a leader only mentioned, a stock exchange in New York
    text = "구광모 LG 회장은 지난 5일 베트남 하노이를 방문했다. 지난해 미국 라스베이거스에서 열린 CES에서 공개된 제품이다."
    assert stops_of(text) == [("구광모", "Hanoi", "지난 5일")]
    text = "젠슨 황 엔비디아 CEO는 구광모 LG 회장에 대해 언급한 뒤 대만 타이베이에서 기자들과 만났다."
    assert stops_of(text) == []
    assert stops_of("구광모 LG 회장은 지난 5일 미국 뉴욕 증권거래소를 방문했다.") == [
        ("구광모", "New York", "지난 5일")
    ]
    hosts = "칼레니우스 회장은 13일 LG트윈타워를 찾아 조주완 LG전자 CEO, 정철동 LG디스플레이 CEO 등과 만났다."
    assert stops_of(hosts) == [("조주완", "Seoul", "13일"), ("정철동", "Seoul", "13일")]


def test_names_that_hold_a_place_are_not_stops() -> None:
    text = (
        "신학철 LG화학 부회장은 방한한 미국 재무부 장관을 만났다. "
        "신 부회장은 뉴욕대학교 교수들과 인도·태평양 공급망을 논의했다. "
        "신 부회장은 19일 테네시주 몽고메리카운티 클락스빌에서 착공식에 참석했다. "
        "신 부회장은 20일 제주 롯데호텔에서 열린 포럼에서 강연했다."
    )
    assert stops_of(text) == [("신학철", "Clarksville", "19일"), ("신학철", "Jeju", "20일")]


def test_english_coverage_refers_to_a_leader_by_surname_and_keeps_a_state_beside_a_valley() -> None:
    text = (
        "LG Electronics CEO Cho Joo-wan spent last week in Vietnam. "
        "On April 3, Cho chaired a meeting in Ho Chi Minh with regional heads."
    )
    assert stops_of(text) == [("조주완", "Ho Chi Minh City", "April 3")]
    text = (
        "LG Chairman Koo Kwang-mo returned from the US on Sunday. "
        "The trip took him to Tennessee and Silicon Valley, where Koo checked on battery plants."
    )
    assert [s[1] for s in stops_of(text)] == ["Tennessee", "Silicon Valley"]


def _stop(leader: str, place_ko: str, city: str, **kw: object) -> StopX:
    base: dict[str, object] = dict(
        leader_ko=leader, date_text=None, date_applies_to="stop", place_ko=place_ko, city=city,
        region=None, country=None, organisation=None, people_met=[], purpose=None, status="unknown",
    )  # fmt: skip
    return StopX.model_validate(base | kw)


def test_combine_lays_the_models_english_over_the_codes_facts() -> None:
    numbered = number_chunk(TRIP)
    code = propose(numbered)
    model = ChunkExtraction(
        leaders=[],
        stops=[
            _stop(
                "구 회장",
                "오스틴",
                "Austin",
                organisation="LG Electronics lab",
                purpose="R&D review",
                people_met=[PersonX(name_ko="김철수", role="lab head")],
            ),
            # a market he talks about, which the model made a stop of
            _stop("구광모", "북미", "North America", purpose="invented"),
        ],
        statements=[
            StatementX(
                speaker_ko="구광모",
                quote_ko="북미는 LG의 다음 10년이 걸린 시장",
                quote_en="North America is the market LG's next decade rides on.",
                topic="markets",
                speech="direct",
            )
        ],
        figures=[],
    )
    both = combine(code, model, numbered)
    austin = next(s for s in both.stops if s.city == "Austin")
    assert austin.organisation == "LG Electronics lab" and austin.purpose == "R&D review"
    assert austin.leader_ko == "구광모"  # code's full name, not the model's short form
    assert all(s.purpose != "invented" for s in both.stops)
    assert [s.city for s in both.stops] == ["Austin", "Vancouver"]  # the model adds nothing false
    [said] = both.statements
    assert said.quote_en.startswith("North America") and said.topic == "markets"


def test_combine_keeps_what_a_strong_model_found_beyond_code_when_the_text_says_so() -> None:
    text = "LG전자 조주완 사장 일행은 8일 독일 베를린 IFA 전시장을 찾았다."
    numbered = number_chunk(text)
    model = ChunkExtraction(
        leaders=[],
        stops=[_stop("조주완", "베를린", "Berlin", purpose="IFA visit")],
        statements=[],
        figures=[],
    )
    both = combine(propose(numbered), model, numbered)
    assert [(s.city, s.purpose) for s in both.stops] == [("Berlin", "IFA visit")]


def test_the_model_s_stops_for_a_rival_s_chairman_or_for_words_that_are_no_name_are_dropped() -> None:
    text = (
        "신동빈 롯데그룹 회장은 5일 인도 푸네를 방문했다. 정의선 현대자동차그룹 회장에 이어 뉴델리를 찾았다. "
        "LG 측 인사들도 이날 노이다 공장을 방문했다. 양재훈 부사장도 이날 첸나이를 방문했다."
    )
    numbered = number_chunk(text)
    model = ChunkExtraction(
        leaders=[],
        stops=[
            _stop("신동빈", "푸네", "Pune"), _stop("정의선 회장", "뉴델리", "New Delhi"),
            _stop("LG", "노이다", "Noida"), _stop("조주완 LG전자", "노이다", "Noida"),
            _stop("양재훈", "첸나이", "Chennai"),
        ],
        statements=[],
        figures=[],
    )  # fmt: skip
    not_leaders = frozenset(p.ko for p in people_named(text, default_glossary()) if not p.leader)
    kept = combine(propose(numbered), model, numbered, not_leaders)
    assert [(s.leader_ko, s.city) for s in kept.stops] == [("양재훈", "Chennai")]  # unknown to code: kept


def test_a_model_s_leader_written_with_his_company_is_the_leader_code_found() -> None:
    text = "조주완 LG전자 사장은 1일 리야드를 찾았다. 조 사장은 이어 두바이로 향했다."
    numbered = number_chunk(text)
    model = ChunkExtraction(
        leaders=[], stops=[_stop("조주완 LG전자", "두바이", "Dubai", purpose="Gulf sales meeting")],
        statements=[], figures=[],
    )  # fmt: skip
    both = combine(propose(numbered), model, numbered)
    assert [(s.leader_ko, s.city, s.purpose) for s in both.stops] == [
        ("조주완", "Riyadh", None), ("조주완", "Dubai", "Gulf sales meeting"),
    ]  # fmt: skip


def test_a_rendering_that_is_no_translation_of_the_quote_is_not_shown() -> None:
    from briefing.combine import faithful

    ko = "글로벌 소비자 7000억 시간의 사용 데이터가 우리의 무기"
    assert faithful(ko, "Usage data from 700 billion hours of global consumers is our weapon.")
    assert not faithful(ko, "Data is a weapon.")  # far shorter than the words
    assert not faithful(ko, "Usage data from 7000 billion hours of consumers is our weapon.")  # a number
    assert not faithful(ko, "Our weapon is the usage data we gathered in Toronto from consumers.")  # a place
    assert not faithful(ko, "LG CEO explains that usage data from consumers is the company's weapon.")


def test_the_model_s_statements_need_words_said_and_their_own_english() -> None:
    text = (
        "조주완 LG전자 사장은 8일 베를린을 찾았다. 베를린은 유럽 가전 시장의 중심지다. "
        '조 사장은 "유럽 고객의 눈높이에 맞춘 제품으로 승부하겠다"고 말했다.'
    )
    numbered = number_chunk(text)

    def said(words: str, english: str, speech: str = "indirect") -> StatementX:
        return StatementX.model_validate(
            {
                "speaker_ko": "조주완",
                "quote_ko": words,
                "quote_en": english,
                "topic": "markets",
                "speech": speech,
            }
        )

    loop = "He will win over European customers with products made for them."
    model = ChunkExtraction(
        leaders=[], stops=[], figures=[],
        statements=[
            said("유럽 고객의 눈높이에 맞춘 제품으로 승부하겠다", loop, "direct"),
            said("베를린은 유럽 가전 시장의 중심지다", loop),  # narration, and the same English again
        ],
    )  # fmt: skip
    both = combine(propose(numbered), model, numbered)
    assert [(s.quote_ko, s.quote_en) for s in both.statements] == [
        ("유럽 고객의 눈높이에 맞춘 제품으로 승부하겠다", "")  # one rendering for two quotes: a loop
    ]


def test_a_date_the_model_took_from_a_sentence_about_another_place_is_dropped() -> None:
    text = "구광모 LG그룹 회장은 3일 바르샤바에서 총리를 만났다. 구 회장은 브로츠와프 공장도 둘러봤다."
    numbered = number_chunk(text)
    model = ChunkExtraction(
        leaders=[], statements=[], figures=[],
        stops=[_stop("구광모", "브로츠와프", "Wrocław", date_text="3일", purpose="plant tour")],
    )  # fmt: skip
    wroclaw = next(s for s in combine(propose(numbered), model, numbered).stops if s.city == "Wrocław")
    assert wroclaw.date_text is None and wroclaw.purpose == "plant tour"
