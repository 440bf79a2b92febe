"""The account part of the REST API: register, get, list and revoke tokens, read, change and delete yourself."""

from django.conf import settings
from django.contrib.auth import authenticate, logout
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.forms import SignUpForm, client_ip
from accounts.models import ApiToken, Player, Strategy, User
from cloudscendo.api_errors import error_responses
from cloudscendo.throttle import CacheRateThrottle


class AuthRateThrottle(CacheRateThrottle):
    """Per client address, API_AUTH_RATE (read at each request, so tests and settings can change it)."""

    scope = "api-auth"

    def get_rate(self) -> str:
        return settings.API_AUTH_RATE

    def ident(self, request) -> str:
        return client_ip(request)


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "username", "email", "strategy", "player", "keep_images")
        read_only_fields = ("id", "username", "email")


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    def validate(self, attrs: dict) -> dict:
        # The sign-up form's rules (unique name, password validators) apply to the API as well.
        form = SignUpForm(data={"username": attrs["username"], "email": attrs["email"],
                                "password1": attrs["password"], "password2": attrs["password"]})
        if not form.is_valid():
            errors = {("password" if name.startswith("password") else name): messages
                      for name, messages in form.errors.items()}
            raise serializers.ValidationError(errors)
        attrs["form"] = form
        return attrs


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


def _refuse_as_throttled(count, **identity) -> None:
    try:
        count(**identity)
    except services.Refused as error:
        raise Throttled(wait=3600, detail=str(error)) from None


class _AnonymousView(APIView):
    """For visitors without an account or a token yet: throttled per address."""

    permission_classes = (AllowAny,)
    authentication_classes = ()
    throttle_classes = (AuthRateThrottle,)


class RegisterView(_AnonymousView):
    @extend_schema(request=RegisterSerializer, responses={201: UserSerializer, **error_responses(400, 415, 429)},
                   summary="Create an account", tags=["auth"])
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _refuse_as_throttled(services.sign_up_throttled, ip=client_ip(request))
        try:
            user = services.user_sign_up(form=serializer.validated_data["form"])
        except services.NameTaken as error:
            raise serializers.ValidationError({"username": [str(error)]}) from None
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(_AnonymousView):
    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer, **error_responses(400, 415, 429)},
                   summary="Exchange a username and password for a new API token (it expires after API_TOKEN_TTL)",
        tags=["auth"])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username, password = serializer.validated_data["username"], serializer.validated_data["password"]
        try:
            user = services.login_throttled(username=username, ip=client_ip(request),
                                            check=lambda: authenticate(request, username=username, password=password))
        except services.LoginLocked:
            raise Throttled(wait=settings.LOGIN_LOCKOUT_SECONDS, detail="Too many failed log-ins.") from None
        if user is None:
            raise serializers.ValidationError({"password": ["The username or the password is wrong."]})
        return Response({"token": services.api_token_create(user=user)})


class JSONBooleanField(serializers.BooleanField):
    """true or false only: DRF's own also takes 0, 1, "yes", "on"..., which a JSON boolean is not."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class ProfileUpdateSerializer(serializers.Serializer):
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False)
    keep_images = JSONBooleanField(required=False)
    player = serializers.ChoiceField(choices=Player.choices, required=False)


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class MeView(APIView):
    parser_classes = (JSONParser,)  # a JSON body, so keep_images is a real boolean
    @extend_schema(responses={200: UserSerializer, **error_responses(401)}, summary="Your profile", tags=["me"])
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=ProfileUpdateSerializer,
                   responses={200: UserSerializer, **error_responses(400, 401, 403, 415)},
                   summary="Change your strategy, preferred player or whether photos are kept", tags=["me"])
    def patch(self, request):
        serializer = ProfileUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = {"strategy": request.user.strategy, "keep_images": request.user.keep_images,
                   "player": request.user.player,
                   **serializer.validated_data}
        user = services.user_profile_update(user=request.user, **changes)
        return Response(UserSerializer(user).data)

    @extend_schema(request=PasswordSerializer, responses={204: None, **error_responses(400, 401, 403, 415, 429)},
                   summary="Delete your account, your history and your photos (your password confirms it)",
                   tags=["me"])
    def delete(self, request):
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, password = request.user, serializer.validated_data["password"]
        try:  # throttled like a log-in: a stolen token must not become a password oracle
            confirmed = services.login_throttled(username=user.get_username(), ip=client_ip(request),
                                                 check=lambda: user.check_password(password) or None)
        except services.LoginLocked:
            raise Throttled(wait=settings.LOGIN_LOCKOUT_SECONDS, detail="Too many failed log-ins.") from None
        if not confirmed:
            raise serializers.ValidationError({"password": ["That is not your password."]})
        services.user_delete(user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    hint = serializers.CharField(help_text="The token's first characters.")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    current = serializers.BooleanField(help_text="Whether this request was made with it.")


def _token_rows(request) -> list[dict]:
    current = getattr(request.auth, "id", None)
    return [{"id": token.id, "hint": token.hint, "created_at": token.created_at, "expires_at": token.expires_at,
             "current": token.id == current} for token in selectors.api_tokens_live(user=request.user)]


class TokenListView(APIView):
    @extend_schema(responses={200: ApiTokenSerializer(many=True), **error_responses(401)},
                   summary="Your API tokens that still work, newest first", tags=["auth"])
    def get(self, request):
        return Response(ApiTokenSerializer(_token_rows(request), many=True).data)


class TokenDetailView(APIView):
    @extend_schema(responses={204: None, **error_responses(401, 403, 404)}, summary="Revoke one of your API tokens",
                   tags=["auth"])
    def delete(self, request, token_id: int):
        if not services.api_token_revoke(user=request.user, token_id=token_id):
            raise NotFound("You have no such token.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None, **error_responses(401, 403)},
                   summary="Log out: the token this request carries stops working (with a session: every token, "
                           "as the site's log-out)", tags=["auth"])
    def post(self, request):
        if isinstance(request.auth, ApiToken):  # one device logs out; the user's other scripts go on
            services.api_token_revoke(user=request.user, token_id=request.auth.id)
        else:
            services.api_tokens_revoke_all(user=request.user)
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
